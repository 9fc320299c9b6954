use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::i18n::*;
use crate::ui::form::{action_error, Field, FormError};
use crate::ui::layout::use_auth;

#[component]
pub fn LoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let login = use_auth().login;
    let errors = action_error(login);
    view! {
        <Title text=move || t_string!(i18n, login.title).to_string() />
        <section class="auth-card">
            <h1>{t!(i18n, login.title)}</h1>
            <p class="lede">{t!(i18n, login.lede)}</p>
            <ActionForm action=login attr:class="form">
                <Field name="email" kind="email" label=Signal::derive(move || t_string!(i18n, fields.email).to_string()) errors autocomplete="email" required=true />
                <Field name="password" kind="password" label=Signal::derive(move || t_string!(i18n, fields.password).to_string()) errors autocomplete="current-password" required=true />
                <FormError errors fields=&["email", "password"] />
                <button type="submit" class="btn btn-primary btn-block" disabled=move || login.pending().get()>
                    {t!(i18n, login.submit)}
                </button>
            </ActionForm>
            <p class="auth-switch"><A href="/forgot">{t!(i18n, login.forgot)}</A></p>
            <p class="auth-switch">{t!(i18n, login.no_account)} " " <A href="/signup">{t!(i18n, nav.signup)}</A></p>
        </section>
    }
}
