use leptos::prelude::*;

/// A round avatar: the uploaded picture, or the person's initials on a tinted disc.
#[component]
pub fn Avatar(
    #[prop(into)] name: String,
    #[prop(into)] url: Option<String>,
    #[prop(default = "md")] size: &'static str,
) -> impl IntoView {
    let class = format!("avatar avatar-{size}");
    match url {
        Some(url) => view! { <img class=class src=url alt=name loading="lazy" /> }.into_any(),
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
