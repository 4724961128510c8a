//! The window remembers its size and position across runs.

use crate::support::*;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_window_comes_back_where_it_was_left() {
    if !enabled() {
        return;
    }
    let _serial = ONE_AT_A_TIME.lock().await;
    let w = World::new().await;
    let driver = Driver::start(&w.data_dir());
    let c = driver.session().await;
    c.wait()
        .at_most(Duration::from_secs(20))
        .for_element(tid("signin-server"))
        .await
        .unwrap();
    let first = c.get_window_rect().await.unwrap();
    // Somewhere the app would never open by itself.
    let wanted = (137.0, 91.0, 1011.0, 677.0);
    c.set_window_rect(
        wanted.0 as u32,
        wanted.1 as u32,
        wanted.2 as u32,
        wanted.3 as u32,
    )
    .await
    .unwrap();
    let set = c.get_window_rect().await.unwrap();
    assert_ne!(set, first, "the window moved and resized");
    // The app saves shortly after the window stops moving; then it is killed,
    // with no chance to save on the way out.
    tokio::time::sleep(Duration::from_secs(2)).await;
    c.close().await.unwrap();
    drop(driver);

    let driver = Driver::start(&w.data_dir());
    let c = driver.session().await;
    c.wait()
        .at_most(Duration::from_secs(20))
        .for_element(tid("signin-server"))
        .await
        .unwrap();
    let again = c.get_window_rect().await.unwrap();
    assert_eq!(again, set, "the second run opens where the first was left");
    c.close().await.unwrap();
}
