//! Small line icons drawn as SVG: emoji show as empty boxes on screens without an emoji font.

use leptos::prelude::*;

/// The icons the pages draw, each a 24×24 path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Icon {
    Trash,
    Timer,
    Ban,
    Bag,
}

impl Icon {
    fn path(self) -> &'static str {
        match self {
            Icon::Trash => "M9 3h6l1 2h4v2H4V5h4zM6 9h12l-1 12H7zm4 2v8h1.5v-8zm2.5 0v8H14v-8z",
            Icon::Timer => "M9 1h6v2H9zm3 4a8 8 0 1 1 0 16 8 8 0 0 1 0-16zm0 2a6 6 0 1 0 0 12 6 6 0 0 0 0-12zm-1 2h2v4.6l3 1.8-1 1.7-4-2.4z",
            Icon::Ban => "M12 2a10 10 0 1 1 0 20 10 10 0 0 1 0-20zm5.3 4.3L6.3 17.3A8 8 0 0 0 17.3 6.3zM12 4a8 8 0 0 0-6.3 12.9L16.9 5.7A8 8 0 0 0 12 4z",
            Icon::Bag => "M8 7V6a4 4 0 0 1 8 0v1h4l-1 15H5L4 7zm2 0h4V6a2 2 0 0 0-4 0zm-3.9 2 .7 11h10.4l.7-11z",
        }
    }
}

/// `icon` at `size` pixels, in the text's colour, hidden from screen readers (the control
/// around it carries the words).
#[component]
pub fn Glyph(icon: Icon, #[prop(default = 16)] size: u32) -> impl IntoView {
    view! {
        <svg class="glyph" viewBox="0 0 24 24" width=size height=size aria-hidden="true">
            <path d=icon.path() fill="currentColor" fill-rule="evenodd" />
        </svg>
    }
}
