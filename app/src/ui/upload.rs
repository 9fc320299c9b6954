//! Sends a file to one of the site's upload endpoints with a progress bar. `fetch` cannot
//! report upload progress, so this uses XMLHttpRequest directly.

use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

use crate::error::AppError;

/// What the page says when the request did not get through.
pub fn network_error() -> AppError {
    AppError::Internal {
        request_id: "network".into(),
    }
}

/// The file picked in the `<input type="file">` that fired `ev`.
pub fn chosen_file(ev: &leptos::ev::Event) -> Option<web_sys::File> {
    ev.target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        .and_then(|input| input.files())
        .and_then(|files| files.get(0))
}

/// The error the server would answer for `file` over `max_kib`, found before minutes of
/// uploading on a phone.
pub fn too_large(file: &web_sys::File, field: &str, max_kib: u32) -> Option<AppError> {
    (file.size() > f64::from(max_kib) * 1024.0)
        .then(|| AppError::invalid(field, crate::error::Problem::TooLarge { max_kib }))
}

/// Posts `file` as the request body to `path` (its name in `X-File-Name`, percent-encoded),
/// reporting progress (0–100) as it goes; `done` gets the body of a success, or the error
/// the server answered.
pub fn send(
    path: &str,
    file: web_sys::File,
    progress: RwSignal<Option<f64>>,
    done: impl FnOnce(Result<String, AppError>) + 'static,
) {
    let Ok(xhr) = web_sys::XmlHttpRequest::new() else {
        return done(Err(network_error()));
    };
    if xhr.open("POST", path).is_err() {
        return done(Err(network_error()));
    }
    let name = String::from(js_sys::encode_uri_component(&file.name()));
    if xhr.set_request_header("x-file-name", &name).is_err() {
        return done(Err(network_error()));
    }
    let on_progress =
        Closure::<dyn FnMut(web_sys::ProgressEvent)>::new(move |e: web_sys::ProgressEvent| {
            if e.length_computable() && e.total() > 0.0 {
                progress.set(Some(e.loaded() / e.total() * 100.0));
            }
        });
    if let Ok(upload) = xhr.upload() {
        upload.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
    }
    let answered = xhr.clone();
    let on_done = Closure::once_into_js(move || {
        // The progress closure must live until the request ends; it is dropped here.
        drop(on_progress);
        let body = answered.response_text().ok().flatten().unwrap_or_default();
        let result = match answered.status() {
            Ok(200 | 201) => Ok(body),
            Ok(0) | Err(_) => Err(network_error()),
            Ok(_) => {
                Err(serde_json::from_str::<AppError>(&body).unwrap_or_else(|_| network_error()))
            }
        };
        done(result);
    });
    xhr.set_onloadend(Some(on_done.unchecked_ref()));
    if xhr.send_with_opt_blob(Some(&file)).is_err() {
        xhr.set_onloadend(None);
    }
}

/// An upload's progress bar while it is sent (0–100), then a word while the server works on it
/// (a picture takes up to a second to prepare, and a full bar that does not go away looks stuck).
#[component]
pub fn UploadProgress(progress: RwSignal<Option<f64>>) -> impl IntoView {
    use crate::i18n::*;
    let i18n = use_i18n();
    view! {
        <Show when=move || progress.get().is_some()>
            <progress class="upload-progress" max="100" value=move || progress.get().unwrap_or(0.0)
                aria-label=move || t_string!(i18n, settings.uploading).to_string()></progress>
            <span class="small muted" role="status">
                {move || (progress.get() >= Some(100.0)).then_some(t!(i18n, settings.preparing))}
            </span>
        </Show>
    }
}

/// A button that picks one file and sends it to `path` with a progress bar; `uploads` counts
/// the finished ones (so the page reads its data again), an error shows under it. Its children
/// are the hint under the button.
#[component]
pub fn UploadButton(
    path: String,
    /// The file input's id.
    id: &'static str,
    #[prop(into)] label: Signal<String>,
    /// Which files the picker offers (`image/png,image/jpeg`), any by default.
    #[prop(optional)]
    accept: Option<&'static str>,
    uploads: RwSignal<u32>,
    /// The largest file the endpoint takes, checked before sending.
    max_kib: u32,
    /// The error line's test id.
    error_id: &'static str,
    children: Children,
) -> impl IntoView {
    use crate::i18n::*;
    let i18n = use_i18n();
    let progress = RwSignal::new(None::<f64>);
    let error = RwSignal::new(None::<AppError>);
    let on_change = move |ev: leptos::ev::Event| {
        let Some(file) = chosen_file(&ev) else {
            return;
        };
        if let Some(refused) = too_large(&file, id, max_kib) {
            error.set(Some(refused));
            return;
        }
        error.set(None);
        progress.set(Some(0.0));
        send(&path, file, progress, move |result| {
            progress.set(None);
            match result {
                Ok(_) => uploads.update(|n| *n += 1),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <div class="field">
            <label class="btn btn-ghost" for=id>{label}</label>
            <input id=id class="visually-hidden" type="file" accept=accept on:change=on_change />
            <p class="field-hint">{children()}</p>
            <UploadProgress progress />
            <p class="field-error" role="alert" data-testid=error_id>
                {move || error.get().map(|e| crate::ui::form::error_text(i18n, &e))}
            </p>
        </div>
    }
}
