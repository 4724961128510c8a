//! A supervisor erases a customer from the real app: the archived conversation
//! empties on screen and on the server; Settings says the offline cache is
//! encrypted and where its key is.

use crate::support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a display, tauri-driver and WebKitWebDriver (scripts/test runs it)"]
async fn a_supervisor_erases_a_customer_from_the_archive() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let w = World::new().await;
    let (id, _) = w.customer("Quentin Marmot", "my zanzibar parcel").await;
    w.take_and_end(2, id).await;
    let driver = Driver::start(&w.data_dir());
    let c = driver.session().await;
    sign_in_agent(&c, &w, 2).await;
    open_row(&c, "archive", id).await;
    until(
        &c,
        "the archived conversation with its words",
        "const v = document.querySelector(\"[data-testid='conversation']\"); \
         return !!v && v.textContent.includes('zanzibar')",
    )
    .await;
    click(&c, "erase-customer").await;
    until(
        &c,
        "the dialog saying what goes",
        "const d = document.querySelector(\"[data-testid='erase-dialog']\"); \
         return !!d && d.textContent.includes('Erase Quentin Marmot?') && d.textContent.includes('cannot be undone')",
    )
    .await;
    click(&c, "erase-confirm").await;
    // Dropped from the cache, then back from the archive, anonymised and empty.
    until(
        &c,
        "the conversation erased on screen",
        &format!(
            "const r = {}; const v = document.querySelector(\"[data-testid='conversation']\"); \
             return !!r && r.textContent.includes('Erased customer') && !document.body.textContent.includes('zanzibar') \
             && !document.body.textContent.includes('Quentin')",
            row("archive", id)
        ),
    )
    .await;
    let d = w.detail(id).await;
    assert_eq!(d["conversation"]["customer"]["name"], "Erased customer");
    assert_eq!(d["messages"], serde_json::json!([]));

    click(&c, "open-settings").await;
    until(
        &c,
        "Settings saying the cache is encrypted and where its key is",
        "const p = document.querySelector(\"[data-testid='settings-cache-key']\"); \
         return !!p && p.textContent.includes('encrypted') && /keychain|file only your account/.test(p.textContent)",
    )
    .await;
}
