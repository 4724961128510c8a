//! The tray icon's count, read the way a desktop panel reads it (panel.rs): the
//! label beside the app's StatusNotifierItem, over D-Bus; and its Available entry.

use crate::panel::*;
use crate::support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a display, tauri-driver and WebKitWebDriver (scripts/test runs it)"]
async fn the_tray_counts_customers_waiting_for_an_answer() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let panel = Panel::start().await;
    let w = World::new().await;
    let driver = Driver::start(&w.data_dir());
    let c = driver.session().await;
    sign_in_alice(&c, &w).await;
    let item = panel.item(&w.data_dir()).await;
    let status: String = item.get_property("Status").await.unwrap();
    assert_eq!(status, "Active", "the icon is shown");
    // Nobody waits: no number.
    until_label(&item, "").await;

    // Two customers write: 2.
    let (ada, _) = w.customer("Ada", "Is my order on its way?").await;
    until_label(&item, "1").await;
    let (ben, _) = w.customer("Ben", "I was charged twice").await;
    until_label(&item, "2").await;

    // Bob takes Ada: she leaves Alice's queue, 1.
    assert_eq!(w.act(1, ada, "take").await, 200);
    until_label(&item, "1").await;

    // Alice takes Ben and answers him in the app: nobody waits.
    open_row(&c, "queue", ben).await;
    click(&c, "take").await;
    until_reply_composer(&c).await;
    type_into(&c, "composer", "Refunded: sorry about that.").await;
    click(&c, "send").await;
    until_label(&item, "").await;

    // Away and back from the tray's menu: the sidebar hears it from the server.
    let menu = menu(&item).await;
    for state in ["away", "available"] {
        click_menu(&menu, "Available").await;
        until(
            &c,
            &format!("the sidebar says {state} after the tray's Available"),
            &format!(
                "const s = document.querySelector(\"[data-testid='availability']\"); \
                 return s != null && s.value === '{state}'"
            ),
        )
        .await;
    }
    drop(c);
}
