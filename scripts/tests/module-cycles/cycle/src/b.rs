pub struct Thing;

pub fn f() {
    super::a::g();
    crate::deep::c::h();
}
