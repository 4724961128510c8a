pub struct Y;

pub fn f(x: crate::x::X) -> crate::x::X {
    x
}
