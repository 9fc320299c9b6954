//! What a form posted without JavaScript brings back when the server refused it: the error and
//! what was typed. The server keeps it in the person's session for their next page
//! (`server/src/forms.rs`), never in the URL: a value from a link must never fill in a form
//! (a stranger's IBAN on the payout form, say), and typed text has no place in history, logs
//! or `Referer`.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// One refused post, for the page it returns to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FormFlash {
    /// The page's path: the flash shows on it only.
    pub path: String,
    /// The server function that refused the post (`ServerFn::PATH`).
    pub form: String,
    pub error: AppError,
    /// The fields as typed, secrets left out.
    pub values: Vec<(String, String)>,
}

impl FormFlash {
    /// What was typed in the field `name`.
    pub fn value(&self, name: &str) -> Option<&str> {
        self.values
            .iter()
            .find(|(field, _)| field == name)
            .map(|(_, value)| value.as_str())
    }
}

#[derive(Clone)]
struct Flash(Option<FormFlash>);

/// Makes this page load's flash available to its forms: on the server, the one the request
/// carries; in the browser, the same, read from the server's HTML rather than asked again.
/// Called once, at the top of the app, so server and browser agree on it.
pub fn provide_form_flash() {
    let flash = SharedValue::new(|| {
        #[cfg(feature = "ssr")]
        {
            use_context::<http::request::Parts>()
                .and_then(|parts| parts.extensions.get::<FormFlash>().cloned())
        }
        #[cfg(not(feature = "ssr"))]
        {
            None::<FormFlash>
        }
    })
    .into_inner();
    provide_context(Flash(flash));
}

/// The flash for the page being shown, if it is the one the refused post came from.
pub fn form_flash() -> Option<FormFlash> {
    let flash = use_context::<Flash>()?.0?;
    let here = leptos_router::hooks::use_location()
        .pathname
        .get_untracked();
    (flash.path == here).then_some(flash)
}
