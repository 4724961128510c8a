use crate::store::{actions, rows};
