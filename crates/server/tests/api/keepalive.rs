//! Keep-alive connections the server answers early: a POST whose headers come
//! before its body, refused on its headers alone (no token, a bad token, a wrong
//! content type, a path that does not exist), must not strand the client's next
//! request on the same connection. The server either reads the body and answers
//! the next request, or says `Connection: close` so the client opens another.

use crate::support::*;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Everything the server sends until it closes or falls silent for `quiet`.
async fn read_all(tcp: &mut TcpStream, quiet: Duration) -> String {
    let mut got = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        match tokio::time::timeout(quiet, tcp.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) | Err(_) => break,
            Ok(Ok(n)) => got.extend_from_slice(&buf[..n]),
        }
    }
    String::from_utf8_lossy(&got).into_owned()
}

/// Sends a POST's headers, then after a pause its body, then a second request
/// on the same connection; returns what came back.
async fn early_answer_then_another(addr: &str, path: &str, headers: &str) -> String {
    let body = r#"{"body":"hello there"}"#;
    let mut tcp = TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\n{headers}Content-Length: {}\r\n\r\n",
        body.len()
    );
    tcp.write_all(head.as_bytes()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    // The server may have answered and closed by now: writing may fail, which
    // is fine if it said so.
    let _ = tcp.write_all(body.as_bytes()).await;
    let _ = tcp
        .write_all(format!("GET /healthz HTTP/1.1\r\nHost: {addr}\r\n\r\n").as_bytes())
        .await;
    read_all(&mut tcp, Duration::from_secs(2)).await
}

#[tokio::test]
async fn an_early_answer_never_strands_the_next_request_on_the_connection() {
    let w = World::standard().await;
    let addr = w.api.base.trim_start_matches("http://").to_string();
    let c = w.api.waiting_customer("Kim", "hi").await;
    let json = "Content-Type: application/json\r\n";
    let cases = [
        (
            "no token",
            format!("/api/v1/customer/conversations/{}/messages", c.conversation),
            json.to_string(),
            "401",
        ),
        (
            "a bad token",
            format!("/api/v1/customer/conversations/{}/messages", c.conversation),
            format!("{json}Authorization: Bearer not-a-token\r\n"),
            "401",
        ),
        (
            "a wrong content type",
            format!("/api/v1/customer/conversations/{}/messages", c.conversation),
            format!(
                "Content-Type: text/plain\r\nAuthorization: Bearer {}\r\n",
                c.token
            ),
            "4",
        ),
        (
            "no such path",
            "/api/v1/no/such/path".to_string(),
            json.to_string(),
            "404",
        ),
    ];
    for (what, path, headers, status) in cases {
        let got = early_answer_then_another(&addr, &path, &headers).await;
        let first = got.lines().next().unwrap_or_default();
        assert!(
            first.starts_with(&format!("HTTP/1.1 {status}")),
            "{what}: answered {first:?}"
        );
        let said_close = got
            .split("\r\n\r\n")
            .next()
            .unwrap_or_default()
            .lines()
            .any(|l| l.eq_ignore_ascii_case("connection: close"));
        let answered_next = got.matches("HTTP/1.1 ").count() >= 2;
        assert!(
            said_close || answered_next,
            "{what}: the next request on the connection got no answer, and the \
             first answer did not say Connection: close:\n{got}"
        );
    }
}
