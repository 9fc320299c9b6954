//! A link to share, with a button that copies it: on a phone, selecting a long URL by hand is
//! where sharing stops.

use leptos::prelude::*;

use crate::i18n::*;

/// `url` shown whole, and a copy button once the page runs (without JavaScript the button
/// could do nothing, so it stays hidden and the URL can still be selected).
#[component]
pub fn ShareLink(url: String, #[prop(optional)] testid: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let running = RwSignal::new(false);
    let copied = RwSignal::new(false);
    Effect::new(move |_| running.set(true));
    let to_copy = url.clone();
    let copy = move |_| {
        let text = to_copy.clone();
        leptos::task::spawn_local(async move {
            let promise = window().navigator().clipboard().write_text(&text);
            if wasm_bindgen_futures::JsFuture::from(promise).await.is_ok() {
                copied.set(true);
                set_timeout(move || copied.set(false), std::time::Duration::from_secs(2));
            }
        });
    };
    view! {
        <span class="share">
            <code class="share-link" data-testid=(!testid.is_empty()).then_some(testid)>{url}</code>
            <button type="button" class="btn btn-ghost btn-tiny" hidden=move || !running.get() on:click=copy aria-live="polite">
                {move || if copied.get() { t_string!(i18n, common.copied) } else { t_string!(i18n, common.copy) }}
            </button>
        </span>
    }
}
