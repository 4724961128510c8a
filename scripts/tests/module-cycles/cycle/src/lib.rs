//! Modules that import each other in a circle (crate::a → crate::b → crate::a).

mod a;
mod b;
mod deep;
