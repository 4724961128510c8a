use crate::http::routes;
