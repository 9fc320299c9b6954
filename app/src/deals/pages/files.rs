//! A delivery's files on the deal page: the list both parties download from, and the creator's
//! upload with its progress.

use leptos::prelude::*;

use crate::deals::rules::FILE_MAX_MIB;
use crate::deals::types::DealFile;
use crate::error::AppError;
use crate::i18n::*;
use crate::ui::date::format_date_time;
use crate::ui::form::error_text;
use crate::ui::upload;

/// `12.5 MB`, `830 kB`: a file size as people read it.
fn size_text(bytes: u64) -> String {
    match bytes {
        0..=999 => format!("{bytes} B"),
        1_000..=999_999 => format!("{} kB", bytes.div_ceil(1_000)),
        _ => format!("{:.1} MB", bytes as f64 / 1e6),
    }
}

#[component]
pub fn FileList(files: Vec<DealFile>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <ul class="deal-files" data-testid="deal-files">
            {files.into_iter().map(|f| {
                let at = f.created_at;
                view! {
                    <li>
                        <a href=f.url() download=f.name.clone() rel="external">{f.name.clone()}</a>
                        <span class="muted small">" · " {size_text(f.size)} " · " {move || format_date_time(at, i18n.get_locale())}</span>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

/// The creator's file upload for a delivery; `uploads` counts finished uploads, so the deal is
/// read again with the new file.
#[component]
pub fn DeliveryFiles(deal: i64, uploads: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let progress = RwSignal::new(None::<f64>);
    let error = RwSignal::new(None::<AppError>);
    let on_change = move |ev: leptos::ev::Event| {
        let Some(file) = upload::chosen_file(&ev) else {
            return;
        };
        error.set(None);
        progress.set(Some(0.0));
        upload::send(
            &crate::deals::files_path(deal),
            file,
            progress,
            move |result| {
                progress.set(None);
                match result {
                    Ok(_) => uploads.update(|n| *n += 1),
                    Err(e) => error.set(Some(e)),
                }
            },
        );
    };
    view! {
        <div class="field">
            <label class="btn btn-ghost" for="delivery-file">{t!(i18n, deals.add_file)}</label>
            <input id="delivery-file" class="visually-hidden" type="file" on:change=on_change />
            <p class="field-hint">{t!(i18n, deals.file_hint, max_mib = FILE_MAX_MIB)}</p>
            <Show when=move || progress.get().is_some()>
                <progress class="upload-progress" max="100" value=move || progress.get().unwrap_or(0.0)
                    aria-label=move || t_string!(i18n, settings.uploading).to_string()></progress>
            </Show>
            <p class="field-error" role="alert" data-testid="file-error">{move || error.get().map(|e| error_text(i18n, &e))}</p>
        </div>
    }
}
