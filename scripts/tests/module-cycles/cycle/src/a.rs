use crate::b::Thing;

pub struct Other;

pub fn g() -> Thing {
    Thing
}
