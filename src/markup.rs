//! HTML read as tokens, by html5ever's tokenizer (the parser ammonia already cleans with).
//! Every part of herald that reads HTML goes through here: the plain text of a post, its
//! first image, and the tags the feed lint checks. No hand-written tag scanner.

use std::cell::RefCell;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token as RawToken, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use html5ever::Attribute;

/// One piece of HTML: a start tag, an end tag, or text with its character references
/// decoded. Comments and doctypes are left out.
#[derive(Debug)]
pub enum Token<'a> {
    /// `<name attr="value">`.
    Start(Tag<'a>),
    /// `</name>`.
    End(&'a str),
    /// Text, decoded (`&amp;` is `&`); one run of text may come in several pieces.
    Text(&'a str),
}

/// A start tag: its lowercase name and its attributes, values decoded.
#[derive(Debug)]
pub struct Tag<'a> {
    /// The element's name, lowercase.
    pub name: &'a str,
    attrs: &'a [Attribute],
}

impl<'a> Tag<'a> {
    /// The value of an attribute.
    pub fn attr(&self, name: &str) -> Option<&'a str> {
        self.attrs
            .iter()
            .find(|a| &*a.name.local == name)
            .map(|a| &*a.value)
    }

    /// Every attribute as (lowercase name, value), in document order.
    pub fn attrs(&self) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
        self.attrs.iter().map(|a| (&*a.name.local, &*a.value))
    }
}

/// Calls `visit` with every token of `html`, in order.
pub fn each_token(html: &str, visit: impl FnMut(Token<'_>)) {
    let sink = Sink {
        visit: RefCell::new(visit),
    };
    let tokenizer = Tokenizer::new(sink, TokenizerOpts::default());
    let input = BufferQueue::default();
    input.push_back(StrTendril::from(html));
    let _ = tokenizer.feed(&input);
    tokenizer.end();
}

struct Sink<F> {
    visit: RefCell<F>,
}

impl<F: FnMut(Token<'_>)> TokenSink for Sink<F> {
    type Handle = ();

    fn process_token(&self, token: RawToken, _line: u64) -> TokenSinkResult<()> {
        let mut visit = self.visit.borrow_mut();
        match token {
            RawToken::TagToken(tag) => match tag.kind {
                TagKind::StartTag => visit(Token::Start(Tag {
                    name: &tag.name,
                    attrs: &tag.attrs,
                })),
                TagKind::EndTag => visit(Token::End(&tag.name)),
            },
            RawToken::CharacterTokens(text) => visit(Token::Text(&text)),
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_attributes_and_decoded_text() {
        let mut seen = Vec::new();
        each_token(
            "<P CLASS=x id='a&amp;b'>1 &lt; 2</p><!-- c --><img src=/i.png alt=\"\">",
            |token| {
                seen.push(match token {
                    Token::Start(tag) => format!(
                        "<{} {}>",
                        tag.name,
                        tag.attrs()
                            .map(|(k, v)| format!("{k}={v}"))
                            .collect::<Vec<_>>()
                            .join(" ")
                    ),
                    Token::End(name) => format!("</{name}>"),
                    Token::Text(text) => text.to_string(),
                });
            },
        );
        assert_eq!(
            seen.concat(),
            "<p class=x id=a&b>1 < 2</p><img src=/i.png alt=>"
        );
    }
}
