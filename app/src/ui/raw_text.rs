//! The content of `<title>` and `<textarea>`, the two elements whose text Leptos writes into
//! the server's HTML unescaped: leptos_meta renders the head from a plain string, and tachys
//! treats a text area's children as raw text, like a script's. A name or a description such as
//! `</title><script>` would end the element and run. Every text bound for either goes through
//! [`raw_text`].

/// `text` as the content of a raw-text element: escaped in the server's HTML (the browser
/// decodes the entities back), unchanged in the browser, which sets it as text, never as markup.
pub fn raw_text(text: String) -> String {
    #[cfg(feature = "ssr")]
    {
        match html_escape::encode_text(&text) {
            std::borrow::Cow::Borrowed(_) => text,
            std::borrow::Cow::Owned(escaped) => escaped,
        }
    }
    #[cfg(not(feature = "ssr"))]
    {
        text
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::raw_text;

    #[test]
    fn markup_cannot_close_the_element_on_the_server() {
        assert_eq!(
            raw_text("</title><script>alert(1)</script> & co".into()),
            "&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; co"
        );
        assert_eq!(raw_text("Café « Zoé »".into()), "Café « Zoé »");
    }
}
