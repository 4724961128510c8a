//! A desktop panel's side of the tray, and a monitor of the session bus, for
//! the tests that read what the app shows outside its window: this module owns
//! `org.kde.StatusNotifierWatcher` on the session bus (the role of a panel's tray
//! host), the app's tray (libayatana-appindicator) registers its
//! StatusNotifierItem there, and the tests read the item's properties and its
//! menu (com.canonical.dbusmenu) over D-Bus, and click the menu's items as a
//! panel does.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use zbus::proxy::CacheProperties;
use zbus::zvariant::{OwnedValue, Value};

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
pub struct Panel {
    conn: zbus::Connection,
    items: Items,
}

impl Panel {
    pub async fn start() -> Panel {
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
    pub async fn item(&self, data_dir: &std::path::Path) -> zbus::Proxy<'static> {
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
pub async fn until_label(item: &zbus::Proxy<'_>, want: &str) {
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

/// The item's menu, as a panel reads it (com.canonical.dbusmenu).
pub async fn menu(item: &zbus::Proxy<'static>) -> zbus::Proxy<'static> {
    let path: zbus::zvariant::OwnedObjectPath = item.get_property("Menu").await.unwrap();
    zbus::proxy::Builder::new(item.connection())
        .destination(item.destination().to_owned())
        .unwrap()
        .path(path)
        .unwrap()
        .interface("com.canonical.dbusmenu")
        .unwrap()
        .cache_properties(CacheProperties::No)
        .build()
        .await
        .unwrap()
}

/// One entry of a dbusmenu layout: (id, properties, children).
type Layout = (i32, HashMap<String, OwnedValue>, Vec<OwnedValue>);

/// The menu's entries: (id, label, enabled), top to bottom (separators left out).
pub async fn menu_items(menu: &zbus::Proxy<'_>) -> Vec<(i32, String, bool)> {
    let (_, root): (u32, Layout) = menu
        .call("GetLayout", &(0i32, -1i32, Vec::<&str>::new()))
        .await
        .unwrap();
    root.2
        .into_iter()
        .filter_map(|child| {
            let (id, props, _): Layout = Value::from(child).try_into().ok()?;
            let text = |k: &str| {
                props
                    .get(k)
                    .and_then(|v| String::try_from(v.try_clone().ok()?).ok())
            };
            if text("type").as_deref() == Some("separator") {
                return None;
            }
            let label = text("label").unwrap_or_default().replace('_', "");
            let enabled = props
                .get("enabled")
                .and_then(|v| bool::try_from(v).ok())
                .unwrap_or(true);
            Some((id, label, enabled))
        })
        .collect()
}

/// Waits until an entry of the menu satisfies `check`; the entries then.
pub async fn until_menu(
    menu: &zbus::Proxy<'_>,
    what: &str,
    check: impl Fn(&[(i32, String, bool)]) -> bool,
) -> Vec<(i32, String, bool)> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let items = menu_items(menu).await;
        if check(&items) {
            return items;
        }
        assert!(
            Instant::now() < deadline,
            "timed out waiting for the tray menu to show {what}: {items:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Clicks the menu entry labelled `label`, as a panel does.
pub async fn click_menu(menu: &zbus::Proxy<'_>, label: &str) {
    let items = menu_items(menu).await;
    let (id, _, enabled) = items
        .iter()
        .find(|(_, l, _)| l == label)
        .unwrap_or_else(|| panic!("no tray menu entry {label:?} in {items:?}"));
    assert!(enabled, "{label:?} is greyed out");
    let _: () = menu
        .call("Event", &(*id, "clicked", Value::from(0i32), 0u32))
        .await
        .unwrap();
}

/// Messages on the session bus, seen as a monitor sees them (the app's
/// notifications with their hints, the launcher count signal).
pub struct BusMonitor {
    stream: zbus::MessageStream,
}

impl BusMonitor {
    /// Starts watching for the messages the rules match (D-Bus match rules).
    pub async fn start(rules: &[&str]) -> BusMonitor {
        let conn = zbus::connection::Builder::session()
            .unwrap()
            .build()
            .await
            .expect("the session bus (scripts/desktop-session)");
        let stream = zbus::MessageStream::from(&conn);
        let _: () = conn
            .call_method(
                Some("org.freedesktop.DBus"),
                "/org/freedesktop/DBus",
                Some("org.freedesktop.DBus.Monitoring"),
                "BecomeMonitor",
                &(rules.to_vec(), 0u32),
            )
            .await
            .expect("becoming a bus monitor")
            .body()
            .deserialize()
            .unwrap();
        BusMonitor { stream }
    }

    /// The next message for which `pick` gives something (20 s at most).
    pub async fn next<T>(&mut self, what: &str, pick: impl Fn(&zbus::Message) -> Option<T>) -> T {
        use futures_util::StreamExt;
        let wait = async {
            while let Some(Ok(m)) = self.stream.next().await {
                if let Some(t) = pick(&m) {
                    return t;
                }
            }
            panic!("the bus monitor stopped");
        };
        tokio::time::timeout(Duration::from_secs(20), wait)
            .await
            .unwrap_or_else(|_| panic!("timed out waiting on the bus for {what}"))
    }
}

/// A launcher count signal: (app URI, count, count-visible).
pub fn launcher_update(m: &zbus::Message) -> Option<(String, i64, bool)> {
    let h = m.header();
    if h.interface()?.as_str() != "com.canonical.Unity.LauncherEntry"
        || h.member()?.as_str() != "Update"
    {
        return None;
    }
    let (uri, props): (String, HashMap<String, OwnedValue>) = m.body().deserialize().ok()?;
    let count = props.get("count").and_then(|v| i64::try_from(v).ok())?;
    let visible = props
        .get("count-visible")
        .and_then(|v| bool::try_from(v).ok())?;
    Some((uri, count, visible))
}

/// A notification shown: (summary, hints).
pub fn notify_call(m: &zbus::Message) -> Option<(String, HashMap<String, OwnedValue>)> {
    let h = m.header();
    if h.member()?.as_str() != "Notify" {
        return None;
    }
    type Notify = (
        String,
        u32,
        String,
        String,
        String,
        Vec<String>,
        HashMap<String, OwnedValue>,
        i32,
    );
    let (_, _, _, summary, _, _, hints, _): Notify = m.body().deserialize().ok()?;
    Some((summary, hints))
}
