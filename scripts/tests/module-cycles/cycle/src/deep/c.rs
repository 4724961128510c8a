use crate::{
    a::{self as first, Other},
    deep,
};

pub fn h() -> Other {
    first::g();
    Other
}
