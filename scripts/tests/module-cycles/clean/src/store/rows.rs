use super::Store;
use crate::store::Store as Same;

pub struct Row;

pub fn g(_: &Store, _: &Same) {}

#[cfg(test)]
#[path = "rows_tests.rs"]
mod tests;
