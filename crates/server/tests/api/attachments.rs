//! Attachments: customers and occupants attach files; the type comes from the
//! content, the same file is stored once, thumbnails are made within limits;
//! downloads carry `nosniff` and a sandbox, inline only for PNG, JPEG, GIF and
//! WebP; bad files and unauthorised downloads get clear codes. Both backends.

use crate::support::*;
use serde_json::{json, Value};
use switchboard_protocol::Role;
use uuid::Uuid;

pub(crate) fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_pixel(w, h, image::Rgb([10, 120, 200]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

async fn customer_upload(api: &Api, c: &Customer, name: &str, bytes: Vec<u8>) -> Reply {
    let path = format!(
        "/api/v1/customer/conversations/{}/attachments?name={}",
        c.conversation,
        urlencode(name)
    );
    api.post_raw(
        &path,
        Some(&c.token),
        Some("application/octet-stream"),
        bytes,
    )
    .await
}

pub(crate) async fn agent_upload(
    api: &Api,
    a: &Agent,
    id: i64,
    op: Uuid,
    name: &str,
    bytes: Vec<u8>,
) -> Reply {
    let path = format!(
        "/api/v1/conversations/{id}/attachments?name={}&op_id={op}",
        urlencode(name)
    );
    api.post_raw(
        &path,
        Some(&a.token),
        Some("application/octet-stream"),
        bytes,
    )
    .await
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b".-_~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Headers and bytes of a download.
async fn download(
    api: &Api,
    path: &str,
    token: &str,
) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
    let resp = api
        .http
        .get(format!("{}{path}", api.base))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    (status, headers, resp.bytes().await.unwrap().to_vec())
}

fn header<'a>(h: &'a reqwest::header::HeaderMap, name: &str) -> &'a str {
    h.get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
}

/// How many distinct files the database holds.
async fn blobs(w: &World) -> i64 {
    let mut conn = w.database().await;
    use sqlx::Row;
    sqlx::query("SELECT COUNT(*) FROM blobs")
        .fetch_one(&mut conn)
        .await
        .unwrap()
        .get(0)
}

#[tokio::test]
async fn files_are_typed_by_content_stored_once_and_served_safely() {
    let w = World::new(
        &[
            ("Alice", Role::Agent),
            ("Bob", Role::Agent),
            ("Sam", Role::Supervisor),
        ],
        &["Billing"],
        &["--attachment-max-mib", "1"],
    )
    .await;
    let (api, alice, bob) = (&w.api, w.agent(0), w.agent(1));
    let c = api
        .waiting_customer("Maria", "My screen looks like this")
        .await;
    let id = c.conversation;

    // A photo: typed, sized, with a thumbnail, on the customer's new line.
    let photo = png(1000, 500);
    let posted = customer_upload(api, &c, "Screen shot.PNG", photo.clone())
        .await
        .created();
    let file = posted["message"]["attachments"][0].clone();
    assert_eq!(file["name"], "Screen shot.PNG");
    assert_eq!(file["size"], photo.len());
    assert_eq!(file["content_type"], "image/png");
    assert_eq!(
        (file["image"].clone(), file["thumbnail"].clone()),
        (json!(true), json!(true))
    );
    let aid = file["id"].as_i64().unwrap();
    // The queue shows something for a line without text.
    let snap = api.snapshot(alice).await;
    assert_eq!(
        find(&snap, "queue", id).unwrap()["unanswered"]["body"],
        "Attachment: Screen shot.PNG"
    );

    // Alice (who sees the queue) downloads it, and its thumbnail.
    let (status, h, bytes) =
        download(api, &format!("/api/v1/attachments/{aid}"), &alice.token).await;
    assert_eq!(status, 200);
    assert_eq!(bytes, photo);
    assert_eq!(header(&h, "content-type"), "image/png");
    assert_eq!(header(&h, "x-content-type-options"), "nosniff");
    assert!(header(&h, "content-security-policy").contains("sandbox"));
    assert!(
        header(&h, "content-disposition").starts_with("inline;"),
        "{h:?}"
    );
    let (_, h, thumb) = download(
        api,
        &format!("/api/v1/attachments/{aid}?thumbnail=true"),
        &alice.token,
    )
    .await;
    assert_eq!(header(&h, "content-type"), "image/png");
    let t = image::load_from_memory(&thumb).unwrap();
    assert_eq!((t.width(), t.height()), (320, 160));
    // The customer too, through their conversation.
    let (status, _, bytes) = download(
        api,
        &format!("/api/v1/customer/conversations/{id}/attachments/{aid}"),
        &c.token,
    )
    .await;
    assert_eq!((status, bytes), (200, photo.clone()));

    // The same file again: a second attachment, one stored file.
    let before = blobs(&w).await;
    customer_upload(api, &c, "again.png", photo.clone())
        .await
        .created();
    assert_eq!(blobs(&w).await, before);

    // A name that lies: typed by content, downloaded, never inline.
    let html = b"<!DOCTYPE html><script>alert(document.cookie)</script>".to_vec();
    let lie = customer_upload(api, &c, "invoice.png", html.clone())
        .await
        .created();
    let lie = &lie["message"]["attachments"][0];
    assert_eq!(lie["content_type"], "text/html");
    assert_eq!(
        (lie["image"].clone(), lie["thumbnail"].clone()),
        (json!(false), json!(false))
    );
    let (_, h, _) = download(
        api,
        &format!("/api/v1/attachments/{}", lie["id"]),
        &alice.token,
    )
    .await;
    assert!(
        header(&h, "content-disposition").starts_with("attachment;"),
        "{h:?}"
    );
    assert_eq!(header(&h, "x-content-type-options"), "nosniff");
    // SVG downloads too.
    let svg = customer_upload(
        api,
        &c,
        "logo.svg",
        b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>".to_vec(),
    )
    .await
    .created();
    let (_, h, _) = download(
        api,
        &format!(
            "/api/v1/attachments/{}",
            svg["message"]["attachments"][0]["id"]
        ),
        &alice.token,
    )
    .await;
    assert_eq!(header(&h, "content-type"), "image/svg+xml");
    assert!(header(&h, "content-disposition").starts_with("attachment;"));
    // A GIF that is also a script: served as an image, sandboxed, no thumbnail.
    let poly = customer_upload(
        api,
        &c,
        "cat.gif",
        b"GIF89a/*\x01\x00\x01\x00*/=1;alert(1)//".to_vec(),
    )
    .await
    .created();
    let poly = &poly["message"]["attachments"][0];
    assert_eq!(poly["content_type"], "image/gif");
    assert_eq!(poly["thumbnail"], false);
    // An image that claims 100,000 × 100,000 pixels: kept, no thumbnail, no fault.
    let mut bomb = png(1, 1);
    bomb[16..24].copy_from_slice(&[0, 1, 0x86, 0xA0, 0, 1, 0x86, 0xA0]);
    let bomb = customer_upload(api, &c, "huge.png", bomb).await.created();
    assert_eq!(bomb["message"]["attachments"][0]["thumbnail"], false);
    let (status, _, _) = download(
        api,
        &format!(
            "/api/v1/attachments/{}?thumbnail=true",
            bomb["message"]["attachments"][0]["id"]
        ),
        &alice.token,
    )
    .await;
    assert_eq!(status, 404);

    // Sizes: empty, the limit exactly, one byte over.
    customer_upload(api, &c, "empty.txt", Vec::new())
        .await
        .err(400, "invalid_field");
    customer_upload(api, &c, "max.bin", vec![7u8; 1024 * 1024])
        .await
        .created();
    customer_upload(api, &c, "over.bin", vec![7u8; 1024 * 1024 + 1])
        .await
        .err(400, "body_too_large");
    customer_upload(api, &c, "../", b"x".to_vec())
        .await
        .err(400, "invalid_field");

    // Alice takes it: Bob may no longer download; another customer never could.
    api.act(alice, id, "take").await.ok();
    let (status, _, _) = download(api, &format!("/api/v1/attachments/{aid}"), &bob.token).await;
    assert_eq!(status, 403);
    let other = api.waiting_customer("Ivo", "Hi").await;
    let (status, _, _) = download(
        api,
        &format!("/api/v1/customer/conversations/{id}/attachments/{aid}"),
        &other.token,
    )
    .await;
    assert_eq!(status, 403);
    let (status, _, _) = download(
        api,
        &format!(
            "/api/v1/customer/conversations/{}/attachments/{aid}",
            other.conversation
        ),
        &other.token,
    )
    .await;
    assert_eq!(status, 404);
    // The conversation's history (agents' and customer's) carries the files.
    let detail = api.detail(alice, id).await.ok();
    let files: usize = detail["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["attachments"].as_array().unwrap().len())
        .sum();
    assert_eq!(files, 7);
}

#[tokio::test]
async fn the_occupant_attaches_once_per_op_and_others_are_refused() {
    let w = World::standard().await;
    let (api, alice, bob) = (&w.api, w.agent(0), w.agent(1));
    let c = api
        .waiting_customer("Maria", "Can you send the form?")
        .await;
    let id = c.conversation;
    let pdf = b"%PDF-1.7\n1 0 obj <<>> endobj\n".to_vec();
    agent_upload(api, alice, id, Uuid::new_v4(), "form.pdf", pdf.clone())
        .await
        .err(409, "not_occupant");
    api.act(alice, id, "take").await.ok();
    let op = Uuid::new_v4();
    let sent = agent_upload(api, alice, id, op, "form.pdf", pdf.clone())
        .await
        .created();
    assert_eq!(sent["author"], "agent");
    assert_eq!(sent["attachments"][0]["content_type"], "application/pdf");
    let again = agent_upload(api, alice, id, op, "form.pdf", pdf.clone())
        .await
        .created();
    assert_eq!(sent, again, "a retry answers as the first time");
    agent_upload(api, alice, id, op, "other.pdf", pdf.clone())
        .await
        .err(409, "op_id_reused");
    agent_upload(api, bob, id, Uuid::new_v4(), "form.pdf", pdf.clone())
        .await
        .err(409, "not_occupant");
    // Maria is answered, and gets the file through her conversation.
    let snap = api.snapshot(alice).await;
    assert!(find(&snap, "mine", id).unwrap()["unanswered"].is_null());
    let read = api
        .get(
            &format!("/api/v1/customer/conversations/{id}"),
            Some(&c.token),
        )
        .await
        .ok();
    let files: Vec<&Value> = read["messages"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|m| m["attachments"].as_array().unwrap())
        .collect();
    assert_eq!(files.len(), 1, "{read}");
    let (status, h, bytes) = download(
        api,
        &format!(
            "/api/v1/customer/conversations/{id}/attachments/{}",
            files[0]["id"]
        ),
        &c.token,
    )
    .await;
    assert_eq!((status, bytes), (200, pdf));
    assert!(header(&h, "content-disposition").contains("filename*=UTF-8''form.pdf"));

    // Ended: the customer can no longer attach here; blocked: nowhere.
    api.end(alice, id, json!("dont_know"), "happy").await.ok();
    customer_upload(api, &c, "late.png", png(2, 2))
        .await
        .err(409, "invalid_state");
    let spammer = api.waiting_customer("Spam", "Buy now").await;
    api.act(alice, spammer.conversation, "take").await.ok();
    api.act(alice, spammer.conversation, "spam").await.ok();
    customer_upload(api, &spammer, "virus.exe", b"MZ\x90\x00".to_vec())
        .await
        .err(403, "forbidden");
}
