pub mod actions;
pub mod rows;

use self::rows::Row;

pub struct Store(Row);
