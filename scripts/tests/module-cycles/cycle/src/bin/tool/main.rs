mod x;
mod y;

fn main() {}
