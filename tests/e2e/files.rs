//! Files between the real chat page (headless Chromium) and the real app
//! (WebKit): the customer pastes a screenshot and picks a PDF; Alice sees the
//! screenshot as a thumbnail through the app's own protocol, opens it full
//! size, saves the PDF to Downloads, pastes a text file and drops a picture,
//! which reach the page; offline, the files already fetched still show.

use crate::support::*;
use fantoccini::{Client, Locator};
use serde_json::Value;

/// Hands `target` a PNG drawn on a canvas (`w`×`h`) the way `event` does
/// (`paste` or `drop`); whether the page took it.
async fn hand_picture(c: &Client, event: &str, target: &str, name: &str, w: u32, h: u32) -> Value {
    c.execute_async(
        &format!(
            "const done = arguments[arguments.length - 1];
             const canvas = document.createElement('canvas');
             canvas.width = {w}; canvas.height = {h};
             const g = canvas.getContext('2d');
             g.fillStyle = '#2a7'; g.fillRect(0, 0, {w}, {h});
             canvas.toBlob((blob) => {{
               const dt = new DataTransfer();
               dt.items.add(new File([blob], '{name}', {{ type: 'image/png' }}));
               const target = document.querySelector({target:?});
               const init = {{ bubbles: true, cancelable: true }};
               let ev;
               if ('{event}' === 'paste') {{
                 ev = new ClipboardEvent('paste', {{ ...init, clipboardData: dt }});
               }} else {{
                 target.dispatchEvent(new DragEvent('dragenter', {{ ...init, dataTransfer: dt }}));
                 ev = new DragEvent('drop', {{ ...init, dataTransfer: dt }});
               }}
               target.dispatchEvent(ev);
               done(ev.defaultPrevented);
             }}, 'image/png');"
        ),
        vec![],
    )
    .await
    .unwrap()
}

/// Whether the first image matching `css` has loaded at `width` pixels.
fn loaded(css: &str, width: u32) -> String {
    format!(
        "const img = document.querySelector({css:?});
         return !!img && img.complete && img.naturalWidth === {width}"
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a display, tauri-driver, WebKitWebDriver and Chromium (scripts/test runs it)"]
async fn files_travel_between_the_chat_page_and_the_app() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let mut w = World::new().await;

    // Maria pastes a screenshot and picks a PDF on the page.
    let (_chrome, page) = customer_on_page(&w, "Maria", "My screen looks odd").await;
    assert_eq!(
        hand_picture(&page, "paste", "#message", "screen.png", 800, 400).await,
        true
    );
    let dir = tempfile::tempdir().unwrap();
    let pdf_path = dir.path().join("receipt.pdf");
    let pdf = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";
    std::fs::write(&pdf_path, pdf).unwrap();
    page.find(Locator::Css("#file"))
        .await
        .unwrap()
        .send_keys(pdf_path.to_str().unwrap())
        .await
        .unwrap();
    until(
        &page,
        "both files on the page",
        "return document.querySelectorAll('#messages li.msg.me .files').length === 2",
    )
    .await;

    // Alice takes the conversation: the screenshot shows as its thumbnail.
    let home = tempfile::tempdir().unwrap();
    let driver = Driver::start_with(&w.data_dir(), &[("HOME", home.path().as_os_str())]);
    let c = driver.session().await;
    let id = alice_takes_the_first_waiting(&c, &w).await;
    until(
        &c,
        "the screenshot's thumbnail",
        &loaded("[data-testid='attachment-image'] img", 320),
    )
    .await;

    // Full size in the viewer.
    click(&c, "attachment-image").await;
    until(
        &c,
        "the full screenshot",
        &loaded("[data-testid='image-full']", 800),
    )
    .await;
    js(&c, "document.querySelector(\"[data-testid='image-viewer'] button.primary\").click(); return true").await;

    // The PDF saves to Downloads under its name.
    click(&c, "attachment-file").await;
    until(
        &c,
        "the saved notice",
        "return document.querySelector(\"[data-testid='file-notice']\")?.textContent.includes('Saved receipt.pdf to ')",
    )
    .await;
    let notice = js(
        &c,
        "return document.querySelector(\"[data-testid='file-notice'] bdi\").textContent",
    )
    .await;
    let saved = notice
        .as_str()
        .unwrap()
        .split(" to ")
        .nth(1)
        .unwrap()
        .to_string();
    assert!(saved.starts_with(home.path().to_str().unwrap()), "{saved}");
    assert!(saved.ends_with("receipt.pdf"), "{saved}");
    assert_eq!(std::fs::read(&saved).unwrap(), pdf);

    // Alice pastes a text file and drops a picture: both reach the page.
    let pasted = js(
        &c,
        "const dt = new DataTransfer();
         dt.items.add(new File(['step 1\\nstep 2\\n'], 'steps.txt', { type: 'text/plain' }));
         const ev = new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true });
         document.querySelector(\"[data-testid='composer']\").dispatchEvent(ev);
         return ev.defaultPrevented",
    )
    .await;
    assert_eq!(pasted, true);
    assert_eq!(
        hand_picture(
            &c,
            "drop",
            "[data-testid='conversation']",
            "fixed.png",
            600,
            300
        )
        .await,
        true
    );
    until(
        &page,
        "Alice's files on the page",
        "const theirs = document.querySelectorAll('#messages li.msg.agent');
         const img = theirs[1]?.querySelector('.thumb img');
         return theirs.length === 2
           && theirs[0].querySelector('.file-name')?.textContent === 'steps.txt'
           && !!img && img.complete && img.naturalWidth === 320",
    )
    .await;
    until_server(&w, id, "exactly two files from Alice", |d: &Value| {
        d["messages"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["author"] == "agent" && !m["attachments"].as_array().unwrap().is_empty())
            .count()
            == 2
    })
    .await;

    // Offline: the picture Alice sent, never opened full size here, opens from
    // the app's cache.
    until(
        &c,
        "Alice's picture in the app",
        "return document.querySelectorAll(\"[data-testid='attachment-image']\").length === 2",
    )
    .await;
    screenshot(&c, "app-files.png").await;
    tokio::time::sleep(std::time::Duration::from_secs(2)).await; // fetched ahead meanwhile
    w.server.kill9();
    until(
        &c,
        "the offline banner",
        "return !!document.querySelector(\"[data-testid='offline-banner']\")",
    )
    .await;
    js(
        &c,
        "document.querySelectorAll(\"[data-testid='attachment-image']\")[1].click(); return true",
    )
    .await;
    until(
        &c,
        "the full picture offline",
        &loaded("[data-testid='image-full']", 600),
    )
    .await;
}

/// Types `file`'s path into GTK's open chooser (shown, found by `chooser`) and
/// accepts it.
async fn choose_in_gtk(chooser: &impl Fn() -> String, file: &std::path::Path) {
    x(&["xdotool", "windowactivate", "--sync", &chooser()]);
    // Shown is not yet listening: keys sent at once were lost.
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    // GTK's chooser opens its location field at a typed `/`, and completes
    // the path a moment later; the first Return may only take the completion,
    // so Return until it closes. On a busy machine keys can still be lost:
    // then the field is emptied and the path typed again.
    for attempt in 0..3 {
        if attempt > 0 {
            x(&[
                "xdotool",
                "key",
                "--clearmodifiers",
                "ctrl+l",
                "ctrl+a",
                "BackSpace",
            ]);
        }
        x(&["xdotool", "type", "--delay", "20", file.to_str().unwrap()]);
        tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
        for _ in 0..6 {
            if chooser().is_empty() {
                return;
            }
            x(&["xdotool", "key", "Return"]);
            tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        }
        if chooser().is_empty() {
            return;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a display, tauri-driver, WebKitWebDriver and Chromium (scripts/test runs it)"]
async fn the_paperclip_opens_the_systems_file_chooser_and_sends_what_is_chosen() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let _wm = WindowManager::start();
    let w = World::new().await;
    let (_chrome, page) = customer_on_page(&w, "Maria", "Please send the form").await;
    let driver = Driver::start(&w.data_dir());
    let c = driver.session().await;
    let id = alice_takes_the_first_waiting(&c, &w).await;
    let dir = tempfile::tempdir().unwrap();
    let form = dir.path().join("form.csv");
    std::fs::write(&form, "name,order\nMaria,1042\n").unwrap();
    // Beside it, a file nobody chose: never sent.
    std::fs::write(dir.path().join("other.txt"), "not this one").unwrap();

    let chooser = || {
        x(&[
            "xdotool",
            "search",
            "--onlyvisible",
            "--name",
            "^Attach files$",
        ])
        .lines()
        .last()
        .unwrap_or_default()
        .to_string()
    };
    // On a busy machine keys typed into GTK's chooser can be lost and the
    // chooser close on nothing chosen: then the agent opens it again.
    let sent = "return document.querySelectorAll(\"[data-testid='message'] [data-testid='attachment-file'], [data-testid='outbox-pending']\").length > 0";
    for opened in 0..3 {
        click(&c, "attach").await;
        until_x("the file chooser", || !chooser().is_empty()).await;
        choose_in_gtk(&chooser, &form).await;
        until_x("the chooser closed", || chooser().is_empty()).await;
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while std::time::Instant::now() < deadline && js(&c, sent).await != Value::Bool(true) {
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
        if js(&c, sent).await == Value::Bool(true) {
            break;
        }
        assert!(opened < 2, "the chosen file never left the app");
    }

    until(
        &page,
        "the chosen file on the page",
        "const theirs = document.querySelectorAll('#messages li.msg.agent .file-name');
         return theirs.length === 1 && theirs[0].textContent === 'form.csv'",
    )
    .await;
    until_server(&w, id, "one file from Alice", |d: &Value| {
        let names: Vec<&str> = d["messages"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|m| m["attachments"].as_array().unwrap().iter())
            .map(|a| a["name"].as_str().unwrap())
            .collect();
        names == ["form.csv"]
    })
    .await;

    // Cancelled: nothing is sent.
    click(&c, "attach").await;
    until_x("the file chooser again", || !chooser().is_empty()).await;
    x(&["xdotool", "windowactivate", "--sync", &chooser()]);
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    x(&["xdotool", "key", "Escape"]);
    until_x("the chooser closed again", || chooser().is_empty()).await;
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    assert_eq!(
        js(&c, "return document.querySelectorAll(\"[data-testid='outbox-pending'], [data-testid='outbox-failed']\").length").await,
        0
    );
}
