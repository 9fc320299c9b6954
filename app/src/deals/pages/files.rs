//! A delivery's files on the deal page: the list both parties download from, and the creator's
//! upload with its progress.

use leptos::prelude::*;

use crate::deals::rules::FILE_MAX_MIB;
use crate::deals::types::DealFile;
use crate::i18n::*;
use crate::ui::date::format_date_time;
use crate::ui::upload::UploadButton;

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
    view! {
        <UploadButton
            path=crate::deals::files_path(deal)
            id="delivery-file"
            label=Signal::derive(move || t_string!(i18n, deals.add_file).to_string())
            uploads
            max_kib=FILE_MAX_MIB * 1024
            error_id="file-error"
        >
            {t!(i18n, deals.file_hint, max_mib = FILE_MAX_MIB)}
        </UploadButton>
    }
}
