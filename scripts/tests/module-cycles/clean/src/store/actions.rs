// use crate::http::routes;
/* crate::http::routes /* nested */ crate::http */
use crate::store::{
    rows::{self, Row},
    Store,
};

#[cfg(test)]
use crate::http::routes as _;

const PATH: &str = "crate::http::routes";
const RAW: &str = r#"crate::http::routes "quoted""#;
const QUOTE: char = '"';

pub fn f<'a>(s: &'a Store, r: Row) -> &'a str {
    rows::g(s, &Store(r));
    let _ = (QUOTE, RAW, '\'');
    PATH
}

mod imp {
    use super::super::rows::Row;

    pub fn r() -> Row {
        Row
    }
}

#[cfg(test)]
mod tests {
    use crate::http::routes;
}
