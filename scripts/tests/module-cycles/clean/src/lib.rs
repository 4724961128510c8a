//! No cycles: parents and children use each other, and tests, comments and
//! strings may reach anywhere.

pub mod http;
pub mod store;

mod inline_only {
    pub fn f() {}
}
