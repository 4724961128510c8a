//! The tray icon's count, read the way a desktop panel reads it: this test owns
//! `org.kde.StatusNotifierWatcher` on the session bus (the role of a panel's tray
//! host), the app's tray (libayatana-appindicator) registers its
//! StatusNotifierItem there, and the test reads the item's label over D-Bus.

use crate::support::*;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use zbus::proxy::CacheProperties;

/// Items registered with the watcher: (bus name, object path).
type Items = Arc<Mutex<Vec<(String, String)>>>;

struct Watcher {
    items: Items,
}

#[zbus::interface(name = "org.kde.StatusNotifierWatcher")]
impl Watcher {
    async fn register_status_notifier_item(
        &self,
        service: &str,
        #[zbus(header)] header: zbus::message::Header<'_>,
    ) {
        // Items pass either their bus name or (libayatana) their object path.
        let sender = header.sender().map(|s| s.to_string()).unwrap_or_default();
        let item = if service.starts_with('/') {
            (sender, service.to_string())
        } else {
            (service.to_string(), "/StatusNotifierItem".to_string())
        };
        self.items.lock().unwrap().push(item);
    }

    async fn register_status_notifier_host(&self, _service: &str) {}

    #[zbus(property)]
    fn registered_status_notifier_items(&self) -> Vec<String> {
        let items = self.items.lock().unwrap();
        items.iter().map(|(n, p)| format!("{n}{p}")).collect()
    }

    #[zbus(property)]
    fn is_status_notifier_host_registered(&self) -> bool {
        true
    }

    #[zbus(property)]
    fn protocol_version(&self) -> i32 {
        0
    }
}

/// The panel's side: the watcher, and reads of the item's properties.
struct Panel {
    conn: zbus::Connection,
    items: Items,
}

impl Panel {
    async fn start() -> Panel {
        let items = Items::default();
        let conn = zbus::connection::Builder::session()
            .unwrap()
            .name("org.kde.StatusNotifierWatcher")
            .unwrap()
            .serve_at(
                "/StatusNotifierWatcher",
                Watcher {
                    items: items.clone(),
                },
            )
            .unwrap()
            .build()
            .await
            .expect("the session bus (scripts/desktop-session)");
        Panel { conn, items }
    }

    /// The item of the app running on `data_dir`, once it has registered (an app
    /// of an earlier test may still be on the bus and register too).
    async fn item(&self, data_dir: &std::path::Path) -> zbus::Proxy<'static> {
        let deadline = Instant::now() + Duration::from_secs(20);
        let dbus = zbus::fdo::DBusProxy::new(&self.conn).await.unwrap();
        let wanted = format!("SWITCHBOARD_DATA_DIR={}", data_dir.display());
        let (name, path) = 'found: loop {
            let items = self.items.lock().unwrap().clone();
            for (name, path) in items {
                let Ok(bus_name) = zbus::names::BusName::try_from(name.as_str()) else {
                    continue;
                };
                let Ok(pid) = dbus.get_connection_unix_process_id(bus_name).await else {
                    continue;
                };
                let environ = std::fs::read(format!("/proc/{pid}/environ")).unwrap_or_default();
                if environ.split(|b| *b == 0).any(|v| v == wanted.as_bytes()) {
                    break 'found (name, path);
                }
            }
            assert!(Instant::now() < deadline, "the tray icon never registered");
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        zbus::proxy::Builder::new(&self.conn)
            .destination(name)
            .unwrap()
            .path(path)
            .unwrap()
            .interface("org.kde.StatusNotifierItem")
            .unwrap()
            // The label changes by libayatana's own signal: read it afresh each time.
            .cache_properties(CacheProperties::No)
            .build()
            .await
            .unwrap()
    }
}

/// Waits until the label beside the tray icon reads `want` (20 s at most).
async fn until_label(item: &zbus::Proxy<'_>, want: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let label: String = item.get_property("XAyatanaLabel").await.unwrap();
        if label == want {
            return;
        }
        if Instant::now() > deadline {
            let props = zbus::fdo::PropertiesProxy::builder(item.connection())
                .destination(item.destination().to_owned())
                .unwrap()
                .path(item.path().to_owned())
                .unwrap()
                .build()
                .await
                .unwrap();
            let all = props
                .get_all(zbus::names::InterfaceName::from_static_str_unchecked(
                    "org.kde.StatusNotifierItem",
                ))
                .await;
            panic!("tray label {label:?}, expected {want:?}; the item: {all:?}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_tray_counts_customers_waiting_for_an_answer() {
    if !enabled() {
        return;
    }
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
    type_into(&c, "composer", "Refunded: sorry about that.").await;
    click(&c, "send").await;
    until_label(&item, "").await;
    drop(c);
}
