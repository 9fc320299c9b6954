//! Tremplin's pages, components and server functions, shared by the server and the browser.
//! The whole site map is the router in [`App`].

#![recursion_limit = "256"]

pub mod accounts;
pub mod error;
pub mod site;
pub mod ui;

#[cfg(feature = "ssr")]
pub mod ssr;

// Translations are compiled in from `app/locales/*.json`. The macro is deprecated in favour of
// build-script generation, which would add the ICU data exporter to every build for nothing
// this project uses yet.
#[allow(deprecated)]
mod translations {
    leptos_i18n::load_locales!();
}
pub use translations::i18n;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Link, Meta, MetaTags, Stylesheet, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};

use crate::i18n::I18nContextProvider;

/// The HTML document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <I18nContextProvider>
            <Document />
        </I18nContextProvider>
    }
}

#[component]
fn Document() -> impl IntoView {
    view! {
        <Stylesheet id="leptos" href="/pkg/tremplin.css" />
        <Title formatter=|page: String| if page.is_empty() { "Tremplin".to_owned() } else { format!("{page} · Tremplin") } />
        <Meta name="description" content="Tremplin: brands, creators, shops and paid live events, 0% platform fee." />
        <Link rel="icon" href="/assets/icon.svg" />
        <Router>
            <ui::layout::Layout>
                <Routes fallback=site::NotFound>
                    <Route path=path!("/") view=site::home::HomePage />
                    <Route path=path!("/discover") view=site::discover::DiscoverPage />
                    <Route path=path!("/signup") view=accounts::pages::signup::SignupPage />
                    <Route path=path!("/login") view=accounts::pages::login::LoginPage />
                    <Route path=path!("/forgot") view=accounts::pages::reset::ForgotPage />
                    <Route path=path!("/reset/:token") view=accounts::pages::reset::ResetPage />
                    <Route path=path!("/settings") view=accounts::pages::settings::SettingsPage />
                    <Route path=path!("/dashboard") view=accounts::pages::dashboard::DashboardPage />
                    // Async: the page is sent whole, so an unknown name can still answer 404.
                    <Route path=path!("/brands/:slug") view=accounts::pages::brand::BrandPage ssr=SsrMode::Async />
                    <Route path=path!("/:handle") view=accounts::pages::profile::ProfilePage ssr=SsrMode::Async />
                </Routes>
            </ui::layout::Layout>
        </Router>
    }
}
