//! The number of waiting customers on the app's taskbar or dock icon.
//!
//! - Linux: the `com.canonical.Unity.LauncherEntry` signal on the session bus,
//!   which KDE Plasma's task manager, the Ubuntu dock, Dash to Dock and Plank
//!   read. It names the app by its desktop entry. Tao's own route needs
//!   libunity and a running Unity, so the signal is sent here with zbus.
//! - Windows: an overlay icon with the number, drawn by [`overlay_icon`].
//! - macOS: the dock tile's badge (the shell's `set_badge_count`).

/// The overlay icon's side, in pixels (Windows scales it to the taskbar's size).
pub const OVERLAY_SIZE: u32 = 32;

/// 3×5 glyphs for the overlay's text: the digits and `+`, one row per `u8`,
/// the top three bits used.
fn glyph(c: char) -> [u8; 5] {
    match c {
        '0' => [0b111, 0b101, 0b101, 0b101, 0b111],
        '1' => [0b010, 0b110, 0b010, 0b010, 0b111],
        '2' => [0b111, 0b001, 0b111, 0b100, 0b111],
        '3' => [0b111, 0b001, 0b111, 0b001, 0b111],
        '4' => [0b101, 0b101, 0b111, 0b001, 0b001],
        '5' => [0b111, 0b100, 0b111, 0b001, 0b111],
        '6' => [0b111, 0b100, 0b111, 0b101, 0b111],
        '7' => [0b111, 0b001, 0b010, 0b010, 0b010],
        '8' => [0b111, 0b101, 0b111, 0b101, 0b111],
        '9' => [0b111, 0b101, 0b111, 0b001, 0b111],
        _ => [0b000, 0b010, 0b111, 0b010, 0b000],
    }
}

/// The overlay's text: the number up to 99, then `99+`.
pub fn overlay_text(count: usize) -> String {
    if count > 99 {
        "99+".into()
    } else {
        count.to_string()
    }
}

/// The Windows overlay icon for `count` waiting customers: white figures on a
/// red disc, `OVERLAY_SIZE` square, RGBA. None for nobody waiting (no overlay).
pub fn overlay_icon(count: usize) -> Option<Vec<u8>> {
    if count == 0 {
        return None;
    }
    let size = OVERLAY_SIZE as i32;
    let mut rgba = vec![0u8; (size * size * 4) as usize];
    let mut put = |x: i32, y: i32, px: [u8; 4]| {
        if (0..size).contains(&x) && (0..size).contains(&y) {
            let i = ((y * size + x) * 4) as usize;
            rgba[i..i + 4].copy_from_slice(&px);
        }
    };
    // The disc, edged by a pixel of its own colour half covered.
    let centre = (size as f32 - 1.0) / 2.0;
    let radius = size as f32 / 2.0;
    for y in 0..size {
        for x in 0..size {
            let d = ((x as f32 - centre).powi(2) + (y as f32 - centre).powi(2)).sqrt();
            let cover = (radius - d).clamp(0.0, 1.0);
            if cover > 0.0 {
                put(x, y, [0xC6, 0x28, 0x28, (cover * 255.0) as u8]);
            }
        }
    }
    let text = overlay_text(count);
    // Two figures at 4 pixels a dot, `99+` at 3 with narrower gaps: both fit.
    let (scale, gap): (i32, i32) = if text.len() <= 2 { (4, 4) } else { (3, 2) };
    let n = text.chars().count() as i32;
    let width = n * 3 * scale + (n - 1) * gap;
    let (left, top) = ((size - width) / 2, (size - 5 * scale) / 2);
    for (i, c) in text.chars().enumerate() {
        let x0 = left + i as i32 * (3 * scale + gap);
        for (row, bits) in glyph(c).iter().enumerate() {
            for col in 0..3 {
                if bits & (0b100 >> col) != 0 {
                    for dy in 0..scale {
                        for dx in 0..scale {
                            put(
                                x0 + col * scale + dx,
                                top + row as i32 * scale + dy,
                                [0xFF, 0xFF, 0xFF, 0xFF],
                            );
                        }
                    }
                }
            }
        }
    }
    Some(rgba)
}

/// An RGBA image in grey, a little faded (the tray icon while notifications
/// are snoozed or off).
pub fn greyed(rgba: &[u8]) -> Vec<u8> {
    rgba.chunks_exact(4)
        .flat_map(|p| {
            let luma =
                (u32::from(p[0]) * 299 + u32::from(p[1]) * 587 + u32::from(p[2]) * 114) / 1000;
            let g = (luma / 2 + 64) as u8;
            [g, g, g, (u32::from(p[3]) * 3 / 4) as u8]
        })
        .collect()
}

/// The launcher entry's count on Linux, over one session-bus connection kept for
/// the app's life (docks forget an entry whose sender leaves the bus).
#[cfg(all(unix, not(target_os = "macos")))]
pub struct LauncherBadge {
    app_uri: String,
    conn: Option<zbus::Connection>,
    last: Option<usize>,
}

#[cfg(all(unix, not(target_os = "macos")))]
impl LauncherBadge {
    /// For the app whose desktop entry is `desktop_file` (`Switchboard.desktop`).
    pub fn new(desktop_file: &str) -> LauncherBadge {
        LauncherBadge {
            app_uri: format!("application://{desktop_file}"),
            conn: None,
            last: None,
        }
    }

    /// Shows `count` on the launcher icon (none for 0). Sent only when it changes.
    pub async fn set(&mut self, count: usize) -> zbus::Result<()> {
        if self.last == Some(count) {
            return Ok(());
        }
        if self.conn.is_none() {
            self.conn = Some(zbus::Connection::session().await?);
        }
        let Some(conn) = &self.conn else {
            return Ok(());
        };
        let mut props = std::collections::HashMap::new();
        props.insert("count", zbus::Variant::from(count as i64));
        props.insert("count-visible", zbus::Variant::from(count > 0));
        let sent = conn
            .emit_signal(
                None::<&str>,
                "/com/canonical/unity/launcherentry/switchboard",
                "com.canonical.Unity.LauncherEntry",
                "Update",
                &(self.app_uri.as_str(), props),
            )
            .await;
        match sent {
            Ok(()) => self.last = Some(count),
            // A new connection next time (the bus restarted).
            Err(_) => self.conn = None,
        }
        sent
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pixel(icon: &[u8], x: u32, y: u32) -> [u8; 4] {
        let i = ((y * OVERLAY_SIZE + x) * 4) as usize;
        icon[i..i + 4].try_into().unwrap()
    }

    /// The white pixels, as rows of `#` and `.` (the figures as drawn).
    fn figures(icon: &[u8]) -> Vec<String> {
        (0..OVERLAY_SIZE)
            .map(|y| {
                (0..OVERLAY_SIZE)
                    .map(|x| {
                        if pixel(icon, x, y) == [255; 4] {
                            '#'
                        } else {
                            '.'
                        }
                    })
                    .collect()
            })
            .filter(|row: &String| row.contains('#'))
            .collect()
    }

    #[test]
    fn the_overlay_is_a_red_disc_with_the_number_and_none_for_nobody() {
        assert_eq!(overlay_icon(0), None);
        let three = overlay_icon(3).unwrap();
        assert_eq!(three.len(), (OVERLAY_SIZE * OVERLAY_SIZE * 4) as usize);
        assert_eq!(pixel(&three, 0, 0)[3], 0, "corners transparent");
        assert_eq!(pixel(&three, 16, 2), [0xC6, 0x28, 0x28, 0xFF], "red disc");
        let rows = figures(&three);
        assert_eq!(rows.len(), 20, "5 rows of 4 pixels");
        // A 3: full top row, right column only in the second.
        let trimmed: Vec<&str> = rows.iter().map(|r| r.trim_matches('.')).collect();
        assert_eq!(trimmed[0], "############");
        assert_eq!(trimmed[4], "####");
        assert_ne!(figures(&overlay_icon(8).unwrap()), rows);
        assert_ne!(figures(&overlay_icon(42).unwrap()), rows);
    }

    #[test]
    fn the_greyed_icon_keeps_its_shape_without_colour() {
        let icon = [255, 0, 0, 255, 0, 0, 255, 0, 10, 200, 30, 128];
        let grey = greyed(&icon);
        assert_eq!(grey.len(), icon.len());
        for (g, o) in grey.chunks(4).zip(icon.chunks(4)) {
            assert!(g[0] == g[1] && g[1] == g[2], "grey");
            assert_eq!(g[3], (u32::from(o[3]) * 3 / 4) as u8);
        }
        assert_eq!(grey[7], 0, "transparent stays transparent");
    }

    #[test]
    fn large_counts_read_99_plus() {
        assert_eq!(overlay_text(7), "7");
        assert_eq!(overlay_text(99), "99");
        assert_eq!(overlay_text(100), "99+");
        let wide = figures(&overlay_icon(1000).unwrap());
        assert_eq!(wide.len(), 15, "5 rows of 3 pixels");
        assert!(
            wide.iter().all(|r| r.len() == OVERLAY_SIZE as usize),
            "fits the icon"
        );
    }
}
