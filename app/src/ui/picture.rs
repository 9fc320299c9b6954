//! An uploaded picture at the size it is shown. A picture's URL (`/media/{key}`) names the
//! original as it was uploaded, which is kept but never served: its metadata may say where a
//! photo was taken. Browsers get WebP copies at [`WIDTHS`] beside it, cut to the frame pages
//! show the picture in (see `ssr::pictures::Frame`), and pick one by `sizes`.

use leptos::prelude::*;

use crate::accounts::rules::ImageKind;

/// The widths every uploaded picture is made at: 160 covers a 72 px thumbnail on a 2x screen,
/// 1280 a full-width cover. A narrower original is not enlarged: its wider copies are its own
/// width.
pub const WIDTHS: [u32; 4] = [160, 320, 640, 1280];

/// Where the copy of the picture at `src` (a key or its `/media` URL) `width` pixels wide is.
pub fn sized(src: &str, width: u32) -> String {
    format!("{src}.w{width}.webp")
}

/// The original a sized copy was made from, if `key` names one of its copies.
pub fn original_of(key: &str) -> Option<&str> {
    let (original, width) = key.strip_suffix(".webp")?.rsplit_once(".w")?;
    let width: u32 = width.parse().ok()?;
    // `parse` accepts "+640" and "0640": only the exact names are copies. An original is an
    // upload, never a copy itself.
    let extension = original.rsplit('.').next();
    let uploaded = ImageKind::ALL
        .iter()
        .any(|kind| Some(kind.extension()) == extension)
        && original_of(original).is_none();
    (WIDTHS.contains(&width) && sized(original, width) == key && uploaded).then_some(original)
}

/// Written into one string: a shop page draws fifty of these, and a `format!` per width was a
/// tenth of its rendering (callgrind).
fn srcset(src: &str) -> String {
    use std::fmt::Write;
    let mut set = String::with_capacity(WIDTHS.len() * (src.len() + 16));
    for (i, w) in WIDTHS.iter().enumerate() {
        let comma = if i == 0 { "" } else { ", " };
        let _ = write!(set, "{comma}{src}.w{w}.webp {w}w");
    }
    set
}

/// An `<img>` of the uploaded picture at `src`. `sizes` says how wide it is shown (`"72px"`,
/// `"(min-width: 820px) 50vw, 100vw"`); `width`/`height` reserve its room before it loads.
/// Pictures below the fold load `lazy`.
#[component]
pub fn Picture(
    #[prop(into)] src: String,
    #[prop(into, optional)] alt: String,
    #[prop(into, optional)] class: Option<String>,
    sizes: &'static str,
    #[prop(optional)] width: Option<u32>,
    #[prop(optional)] height: Option<u32>,
    #[prop(optional)] lazy: bool,
    #[prop(into, optional)] testid: Option<&'static str>,
) -> impl IntoView {
    view! {
        <img
            class=class
            src=sized(&src, 640)
            srcset=srcset(&src)
            sizes=sizes
            alt=alt
            width=width
            height=height
            loading=lazy.then_some("lazy")
            decoding="async"
            data-testid=testid
        />
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_exact_names_of_copies_lead_back_to_an_original() {
        assert_eq!(sized("avatars/7/ab.png", 320), "avatars/7/ab.png.w320.webp");
        assert_eq!(
            original_of("avatars/7/ab.png.w320.webp"),
            Some("avatars/7/ab.png")
        );
        for key in [
            "avatars/7/ab.png",
            "avatars/7/ab.png.w321.webp",
            "avatars/7/ab.png.w0320.webp",
            "avatars/7/ab.png.w+320.webp",
            "avatars/7/ab.png.w320.png",
            "avatars/7/ab.png.w.webp",
            ".w320.webp.w320",
            "avatars/7/ab.png.w320.webp.w320.webp",
            "avatars/7/ab.svg.w320.webp",
            "avatars/7/ab.w320.webp",
        ] {
            assert_eq!(original_of(key), None, "{key}");
        }
    }

    #[test]
    fn the_srcset_offers_every_width() {
        assert_eq!(
            srcset("/media/p/a.jpg"),
            "/media/p/a.jpg.w160.webp 160w, /media/p/a.jpg.w320.webp 320w, \
             /media/p/a.jpg.w640.webp 640w, /media/p/a.jpg.w1280.webp 1280w"
        );
    }
}
