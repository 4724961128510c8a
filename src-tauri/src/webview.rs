//! How the webview draws on Linux: without a GPU, WebKitGTK's accelerated
//! compositing runs on Mesa's software rasterizer (llvmpipe), which is slower
//! and heavier than WebKit's own painting without it. Measured by the app
//! benchmark (docs/benchmarks.md, "Drawing without a GPU"): after each launch
//! the web process kept a core and a half busy for seconds, and it held 63 MiB
//! of layer tiles against 19 MiB without compositing. Agents on virtual
//! desktops and remote sessions have no GPU, so the app turns compositing off
//! there and leaves WebKit's default where a GPU is present.

use std::ffi::OsString;
use std::path::Path;

/// WebKitGTK's switch ("1" turns compositing off, "0" keeps it on).
pub const COMPOSITING_VARIABLE: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";

/// What the machine offers for drawing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Graphics {
    /// A DRM render node (`/dev/dri/renderD*`): Mesa's hardware drivers.
    pub render_node: bool,
    /// NVIDIA's proprietary driver without DRM render nodes (`/dev/nvidia0`).
    pub nvidia: bool,
    /// `LIBGL_ALWAYS_SOFTWARE` set to anything but empty or "0": Mesa draws in
    /// software even with a GPU.
    pub forced_software: bool,
}

impl Graphics {
    /// Reads what this machine has.
    pub fn probe() -> Graphics {
        Graphics::at(
            Path::new("/dev"),
            std::env::var_os("LIBGL_ALWAYS_SOFTWARE").as_deref(),
        )
    }

    fn at(dev: &Path, libgl_always_software: Option<&std::ffi::OsStr>) -> Graphics {
        let render_node = std::fs::read_dir(dev.join("dri")).is_ok_and(|entries| {
            entries
                .flatten()
                .any(|e| e.file_name().to_string_lossy().starts_with("renderD"))
        });
        Graphics {
            render_node,
            nvidia: dev.join("nvidia0").exists(),
            forced_software: libgl_always_software.is_some_and(|v| !v.is_empty() && v != "0"),
        }
    }

    /// Whether GL would run on the CPU.
    pub fn software_only(self) -> bool {
        self.forced_software || !(self.render_node || self.nvidia)
    }
}

/// The value to give WebKit's compositing switch, if any: none when the user
/// (or a launcher) already set it either way, "1" when drawing is software only.
pub fn compositing_override(already: Option<OsString>, graphics: Graphics) -> Option<&'static str> {
    if already.is_some() {
        return None;
    }
    graphics.software_only().then_some("1")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dev_with(files: &[&str]) -> tempfile::TempDir {
        let dev = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        for f in files {
            let path = dev.path().join(f);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{e}"));
            }
            std::fs::write(&path, "").unwrap_or_else(|e| panic!("{e}"));
        }
        dev
    }

    #[test]
    fn a_render_node_or_nvidia_means_a_gpu_unless_software_is_forced() {
        let none = dev_with(&["null", "dri/card0"]);
        let amd = dev_with(&["dri/card0", "dri/renderD128"]);
        let nvidia = dev_with(&["nvidia0", "nvidiactl"]);
        let g = |d: &tempfile::TempDir, v: Option<&str>| {
            Graphics::at(d.path(), v.map(std::ffi::OsStr::new))
        };
        assert!(
            g(&none, None).software_only(),
            "a card without a render node"
        );
        assert!(!g(&amd, None).software_only());
        assert!(!g(&nvidia, None).software_only());
        assert!(
            g(&amd, Some("1")).software_only(),
            "LIBGL_ALWAYS_SOFTWARE=1"
        );
        assert!(!g(&amd, Some("0")).software_only());
        assert!(!g(&amd, Some("")).software_only());
        let missing = Graphics::at(Path::new("/nonexistent-dev"), None);
        assert!(missing.software_only());
    }

    #[test]
    fn compositing_is_turned_off_only_without_a_gpu_and_only_when_unset() {
        let software = Graphics {
            render_node: false,
            nvidia: false,
            forced_software: false,
        };
        let gpu = Graphics {
            render_node: true,
            ..software
        };
        assert_eq!(compositing_override(None, software), Some("1"));
        assert_eq!(compositing_override(None, gpu), None);
        // The user's choice stands, either way.
        assert_eq!(compositing_override(Some("0".into()), software), None);
        assert_eq!(compositing_override(Some("1".into()), gpu), None);
    }
}
