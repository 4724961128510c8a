//! Files on the customers' chat page in real headless Chromium, against the
//! real server: the customer sends them with the button, by pasting and by
//! dropping; the page refuses empty and oversized files itself; the agent's
//! image shows as a thumbnail that opens full size, other files download under
//! their name (text only, however hostile).

use crate::attachments::{agent_upload, png};
use crate::chat_page::{js, screenshot, until, until_resent};
use crate::support::*;
use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use serde_json::{json, Value};
use switchboard_protocol::Role;
use switchboard_testkit::chromium;
use uuid::Uuid;

/// Hands the page a file the way `event` does (`paste` on the message box,
/// `drop` on the conversation); whether the page took it.
async fn hand_over(c: &Client, event: &str, name: &str, size: usize) -> Value {
    let target = if event == "paste" {
        "message"
    } else {
        "scroller"
    };
    let make = if event == "paste" {
        "new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true })"
    } else {
        "new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true })"
    };
    js(
        c,
        &format!(
            "const dt = new DataTransfer();
             dt.items.add(new File([new Uint8Array({size}).fill(65)], {name}, {{ type: 'text/plain' }}));
             const target = document.getElementById('{target}');
             if ('{event}' === 'drop') {{
               target.dispatchEvent(new DragEvent('dragenter', {{ dataTransfer: dt, bubbles: true, cancelable: true }}));
               if (document.getElementById('drop').hidden) return 'no drop zone shown';
             }}
             const ev = {make};
             target.dispatchEvent(ev);
             return ev.defaultPrevented && document.getElementById('drop').hidden;",
            name = json!(name)
        ),
    )
    .await
}

/// The names of the files in a conversation's detail, in order.
fn file_names(detail: &Value) -> Vec<String> {
    detail["messages"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|m| m["attachments"].as_array().into_iter().flatten())
        .map(|a| a["name"].as_str().unwrap().to_string())
        .collect()
}

/// The customer's lines and files the server has confirmed (a line shows at
/// once, marked `sending` until then; a file only once it has gone).
const MINE: &str = "document.querySelectorAll('#messages li.msg.me:not(.sending)')";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Chromium, chromedriver and the npm fixtures (scripts/test runs it)"]
async fn a_customer_sends_and_receives_files_on_the_page() {
    let w = World::new(
        &[("Alice", Role::Agent)],
        &["Billing"],
        &["--attachment-max-mib", "1"],
    )
    .await;
    let (api, alice) = (&w.api, w.agent(0));
    let (_driver, c) = chromium::headless().await;
    c.goto(&format!("{}/chat", api.base)).await.unwrap();
    chromium::fill_start(&c, "Maria", "maria@example.net").await;
    chromium::submit_start(&c).await;
    let message = c.find(Locator::Css("#message")).await.unwrap();
    message.send_keys("My screen looks odd").await.unwrap();
    message.send_keys(&Key::Enter.to_string()).await.unwrap();
    until(&c, "the first line", &format!("return {MINE}.length === 1")).await;
    let id = api.snapshot(alice).await["queue"][0]["id"]
        .as_i64()
        .unwrap();

    // The button: a picture chosen from disk shows as its thumbnail.
    let dir = tempfile::tempdir().unwrap();
    let shot = dir.path().join("screen.png");
    std::fs::write(&shot, png(800, 400)).unwrap();
    c.find(Locator::Css("#file"))
        .await
        .unwrap()
        .send_keys(shot.to_str().unwrap())
        .await
        .unwrap();
    until(
        &c,
        "the customer's picture",
        &format!(
            "const img = {MINE}[1]?.querySelector('.thumb img');
             return !!img && img.complete && img.naturalWidth === 320 && img.src.startsWith('blob:')"
        ),
    )
    .await;

    // Pasted and dropped files go up too, each as its own line.
    assert_eq!(hand_over(&c, "paste", "notes.txt", 12).await, true);
    until(
        &c,
        "the pasted file",
        &format!("return {MINE}.length === 3"),
    )
    .await;
    assert_eq!(hand_over(&c, "drop", "log.txt", 40).await, true);
    until(
        &c,
        "the dropped file",
        &format!("return {MINE}.length === 4"),
    )
    .await;
    assert_eq!(
        js(
            &c,
            &format!(
                "return Array.from({MINE}).slice(2).map(li =>
                   [li.querySelector('.file-name').textContent, li.querySelector('.file-size').textContent,
                    li.querySelector('.body').hidden])"
            )
        )
        .await,
        json!([["notes.txt", "12 bytes", true], ["log.txt", "40 bytes", true]])
    );

    // What the server would refuse, the page refuses first, in words.
    hand_over(&c, "paste", "empty.txt", 0).await;
    until(
        &c,
        "the empty file's refusal",
        "return document.getElementById('error').textContent === 'empty.txt is empty.'",
    )
    .await;
    hand_over(&c, "paste", "big.txt", 1024 * 1024 + 1).await;
    until(
        &c,
        "the big file's refusal",
        "return document.getElementById('error').textContent === \
         'big.txt is too large: a file may have at most 1 MB.'",
    )
    .await;

    // The agent got the three files, and nothing of the refused two.
    let names = file_names(&api.detail(alice, id).await.ok());
    assert_eq!(names, ["screen.png", "notes.txt", "log.txt"]);
    assert_eq!(js(&c, &format!("return {MINE}.length")).await, 4);

    // The agent answers with a picture and a file under a hostile name.
    api.act(alice, id, "take").await.ok();
    agent_upload(api, alice, id, Uuid::new_v4(), "fixed.png", png(1000, 600))
        .await
        .created();
    let hostile = "<img src=x onerror=alert(1)> invoice.pdf";
    let pdf = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n".to_vec();
    agent_upload(api, alice, id, Uuid::new_v4(), hostile, pdf.clone())
        .await
        .created();
    let theirs = "document.querySelectorAll('#messages li.msg.agent')";
    until(
        &c,
        "the agent's picture",
        &format!(
            "const img = {theirs}[0]?.querySelector('.thumb img');
             return {theirs}.length === 2 && !!img && img.complete && img.naturalWidth === 320"
        ),
    )
    .await;
    screenshot(&c, "chat-files.png").await;
    let file = format!("{theirs}[1].querySelector('button.file')");
    assert_eq!(
        js(
            &c,
            &format!(
                "const b = {file};
                 return [b.querySelector('.file-name').textContent, b.getAttribute('aria-label'),
                         document.querySelectorAll('#messages img').length]"
            )
        )
        .await,
        // Two pictures, the customer's and the agent's: the name made none.
        json!([
            hostile,
            format!("Download {hostile}, {} bytes", pdf.len()),
            2
        ])
    );

    // The thumbnail opens the picture full size; Close closes it.
    js(
        &c,
        &format!("{theirs}[0].querySelector('.thumb').click(); return true"),
    )
    .await;
    until(
        &c,
        "the full-size picture",
        "const v = document.getElementById('viewer'), img = document.getElementById('viewer-image');
         return v.open && img.complete && img.naturalWidth === 1000
           && document.getElementById('viewer-name').textContent === 'fixed.png'",
    )
    .await;
    js(
        &c,
        "document.getElementById('viewer-close').click(); return true",
    )
    .await;
    assert_eq!(
        js(&c, "return document.getElementById('viewer').open").await,
        false
    );

    // The file downloads under its name, with its bytes.
    js(
        &c,
        &format!(
            "window.saved = [];
             HTMLAnchorElement.prototype.click = function () {{ window.saved.push([this.download, this.href]); }};
             // The page's CSP lets nothing fetch a blob: URL back; keep the blobs instead.
             window.blobs = new Map();
             const make = URL.createObjectURL;
             URL.createObjectURL = (b) => {{ const u = make(b); window.blobs.set(u, b); return u; }};
             {file}.click(); return true"
        ),
    )
    .await;
    until(&c, "the download", "return window.saved.length === 1").await;
    let saved = c
        .execute_async(
            "const done = arguments[arguments.length - 1];
             const [name, href] = window.saved[0];
             window.blobs.get(href).text().then(body => done([name, body]));",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(saved, json!([hostile, String::from_utf8(pdf).unwrap()]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Chromium, chromedriver and the npm fixtures (scripts/test runs it)"]
async fn a_file_sent_while_the_server_is_down_goes_once_it_is_back() {
    let mut w = World::standard().await;
    let (_driver, c) = chromium::headless().await;
    c.goto(&format!("{}/chat", w.api.base)).await.unwrap();
    chromium::fill_start(&c, "Oskar", "oskar@example.net").await;
    chromium::submit_start(&c).await;
    let message = c.find(Locator::Css("#message")).await.unwrap();
    message.send_keys("Here is the log").await.unwrap();
    message.send_keys(&Key::Enter.to_string()).await.unwrap();
    until(&c, "the first line", &format!("return {MINE}.length === 1")).await;

    // The server dies; the customer pastes a file. The page says it is trying
    // again, and keeps trying, without the customer doing anything.
    w.server.kill9();
    assert_eq!(hand_over(&c, "paste", "crash.log", 300).await, true);
    until(
        &c,
        "the file marked as not sent yet",
        "const u = document.getElementById('uploading');
         return !u.hidden && u.textContent === 'crash.log: not sent yet. Trying again…'",
    )
    .await;
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    assert_eq!(
        js(&c, "return document.getElementById('error').textContent").await,
        ""
    );

    // Back on the same address: the file goes, once.
    w.server.restart();
    until_resent(
        &c,
        "the file confirmed",
        &format!(
            "return {MINE}.length === 2 && document.getElementById('uploading').hidden
               && {MINE}[1].querySelector('.file-name')?.textContent === 'crash.log'"
        ),
    )
    .await;
    let api = Api::new(&w.server.base);
    let alice = w.agent(0);
    let id = api.snapshot(alice).await["queue"][0]["id"]
        .as_i64()
        .unwrap();
    assert_eq!(file_names(&api.detail(alice, id).await.ok()), ["crash.log"]);
    c.close().await.unwrap();
}
