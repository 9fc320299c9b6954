use crate::ui::picture::Picture;
use leptos::prelude::*;

/// A round avatar: the uploaded picture, or the person's initials on a tinted disc.
#[component]
pub fn Avatar(
    #[prop(into)] name: String,
    #[prop(into)] url: Option<String>,
    #[prop(default = "md")] size: &'static str,
) -> impl IntoView {
    let class = format!("avatar avatar-{size}");
    // The widths of `.avatar-{size}` in the style sheet.
    let sizes = match size {
        "sm" => "32px",
        "lg" => "72px",
        "xl" => "112px",
        _ => "48px",
    };
    match url {
        Some(url) => view! { <Picture class=class src=url alt=name sizes lazy=true /> }.into_any(),
        None => {
            let initials: String = name
                .split_whitespace()
                .filter_map(|w| w.chars().next())
                .take(2)
                .collect::<String>()
                .to_uppercase();
            view! { <span class=class aria-hidden="true">{initials}</span> }.into_any()
        }
    }
}
