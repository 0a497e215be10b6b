//! Quotes, dashes and ellipses as Goldmark's typographer (Hugo) and kramdown's smart quotes
//! and typographic symbols (Jekyll) print them. Their rules differ from each other and from
//! pulldown-cmark's (which Zola uses): `` `gensym`'ed `` is `’` in Goldmark and `‘` in
//! kramdown, a closing quote after a full stop `”` in both and `“` in pulldown-cmark.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, LinkType, Tag, TagEnd};

use herald_config::generator::Markdown;

/// Goldmark's typographer over `events`, each with its byte range in `source`.
pub(crate) fn goldmark(events: &mut [Event<'_>], ranges: &[Range<usize>], source: &str) {
    let mut counter = Counter::default();
    let mut code = 0usize;
    let mut autolink = false;
    for (event, range) in events.iter_mut().zip(ranges) {
        match event {
            Event::Start(Tag::CodeBlock(_) | Tag::HtmlBlock) => code += 1,
            Event::End(TagEnd::CodeBlock | TagEnd::HtmlBlock) => code = code.saturating_sub(1),
            // An autolink's text is its URL.
            Event::Start(Tag::Link {
                link_type: LinkType::Autolink | LinkType::Email,
                ..
            }) => autolink = true,
            Event::End(TagEnd::Link) => autolink = false,
            Event::End(
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::TableCell | TagEnd::Item,
            ) => counter = Counter::default(),
            Event::Text(text) if code == 0 && !autolink && text.contains(TRIGGERS) => {
                let raw = source.get(range.clone()).unwrap_or("");
                // An escaped character (`\'`) is literal.
                if raw.starts_with('\\') && raw.len() > 1 && &raw[1..] == text.as_ref() {
                    continue;
                }
                let replaced = if escaped_at(source, range.start) {
                    // pulldown-cmark starts a text at an escaped character (`\'t`): it is
                    // printed as it is, and the rest goes on from it.
                    let first = text.chars().next().map_or(0, char::len_utf8);
                    let rest = goldmark_text(
                        &text[first..],
                        text.chars().next().unwrap_or(' '),
                        &mut counter,
                    );
                    rest.map(|rest| format!("{}{rest}", &text[..first]))
                } else if raw == text.as_ref() || unescaped(raw) == text.as_ref() {
                    goldmark_line(source, range.start, range.end, &mut counter)
                } else {
                    let before = source[..range.start.min(source.len())]
                        .chars()
                        .last()
                        .unwrap_or('\n');
                    goldmark_text(text, before, &mut counter)
                };
                if let Some(replaced) = replaced {
                    *text = CowStr::from(replaced);
                }
            }
            _ => {}
        }
    }
}

const TRIGGERS: [char; 5] = ['\'', '"', '-', '.', '<'];

/// Quotes opened and not yet closed in the block (Goldmark's unclosed counter).
#[derive(Default)]
struct Counter {
    single: usize,
    double: usize,
}

fn goldmark_line(source: &str, start: usize, end: usize, counter: &mut Counter) -> Option<String> {
    let before = source[..start].chars().last().unwrap_or('\n');
    goldmark_scan(&source[start..end], before, counter, |i| {
        let at = start + i;
        let line_end = source[at..].find('\n').map_or(source.len(), |e| at + e + 1);
        &source[at..line_end]
    })
}

/// Whether the character at `at` in `source` is escaped by a backslash before it.
fn escaped_at(source: &str, at: usize) -> bool {
    let backslashes = source.as_bytes()[..at.min(source.len())]
        .iter()
        .rev()
        .take_while(|&&b| b == b'\\')
        .count();
    backslashes % 2 == 1
}

/// `raw` with its backslash escapes resolved, as the text the parser gives for it.
fn unescaped(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(&next) = chars.peek() {
                if next.is_ascii_punctuation() {
                    out.push(next);
                    chars.next();
                    continue;
                }
            }
        }
        out.push(c);
    }
    out
}

fn goldmark_text(text: &str, before: char, counter: &mut Counter) -> Option<String> {
    goldmark_scan(text, before, counter, |i| {
        let line_end = text[i..].find('\n').map_or(text.len(), |e| i + e + 1);
        &text[i..line_end]
    })
}

/// Goldmark's typographer over `text`, where `line_at(i)` is the rest of the source line from
/// byte `i` of `text` (what Goldmark's parser sees) and `before` the character before `text`.
fn goldmark_scan<'s>(
    text: &str,
    mut before: char,
    counter: &mut Counter,
    line_at: impl Fn(usize) -> &'s str,
) -> Option<String> {
    let mut out = String::with_capacity(text.len() + 8);
    let mut changed = false;
    let mut i = 0;
    while i < text.len() {
        let c = text[i..].chars().next().unwrap_or(' ');
        if c == '\\' {
            // An escape in the source: the next character is printed as it is.
            if let Some(next) = text[i + 1..]
                .chars()
                .next()
                .filter(char::is_ascii_punctuation)
            {
                out.push(next);
                changed = true;
                before = next;
                i += 1 + next.len_utf8();
                continue;
            }
        }
        if TRIGGERS.contains(&c) || c == '>' {
            let line = line_at(i).as_bytes();
            if let Some((replacement, advance)) = goldmark_at(line, before, counter) {
                out.push_str(replacement);
                changed = true;
                before = text[i + advance - 1..].chars().next().unwrap_or(' ');
                i += advance;
                continue;
            }
        }
        out.push(c);
        before = c;
        i += c.len_utf8();
    }
    changed.then_some(out)
}

const LSQUO: &str = "\u{2018}";
const RSQUO: &str = "\u{2019}";
const LDQUO: &str = "\u{201c}";
const RDQUO: &str = "\u{201d}";

fn rune(line: &[u8], i: usize) -> char {
    std::str::from_utf8(&line[i.min(line.len())..])
        .ok()
        .and_then(|s| s.chars().next())
        .or_else(|| {
            // A line cut inside a character: read what is there.
            String::from_utf8_lossy(&line[i.min(line.len())..])
                .chars()
                .next()
        })
        .unwrap_or(' ')
}

/// Go's `unicode.IsPunct`: the Unicode punctuation categories (ASCII `$+<=>^`|~` are
/// symbols, not punctuation).
fn go_is_punct(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_punctuation() && !"$+<=>^`|~".contains(c);
    }
    matches!(c,
        '\u{a1}' | '\u{a7}' | '\u{ab}' | '\u{b6}' | '\u{b7}' | '\u{bb}' | '\u{bf}'
        | '\u{2010}'..='\u{2027}' | '\u{2030}'..='\u{2043}' | '\u{2045}'..='\u{2051}'
        | '\u{2053}'..='\u{205e}' | '\u{3001}'..='\u{3003}' | '\u{3008}'..='\u{3011}'
        | '\u{3014}'..='\u{301f}' | '\u{ff01}'..='\u{ff03}' | '\u{ff05}'..='\u{ff0a}'
        | '\u{ff0c}'..='\u{ff0f}' | '\u{ff1a}' | '\u{ff1b}' | '\u{ff1f}' | '\u{ff20}')
}

/// Goldmark's `util.IsPunctRune`: ASCII punctuation and symbols, and Unicode punctuation.
fn is_punct_rune(c: char) -> bool {
    c.is_ascii_punctuation() || go_is_punct(c)
}

fn is_space_byte(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r')
}

/// What Goldmark's typographer puts at the start of `line` (the quote or mark it starts
/// with), and how many bytes that replaces; `None`: the character stays as it is.
fn goldmark_at(line: &[u8], before: char, counter: &mut Counter) -> Option<(&'static str, usize)> {
    let c = *line.first()?;
    if line.len() > 2 {
        if c == b'-' && line[1] == b'-' && line[2] == b'-' {
            return Some(("\u{2014}", 3));
        }
        if c == b'.' {
            return (line[1] == b'.' && line[2] == b'.').then_some(("\u{2026}", 3));
        }
    }
    if line.len() > 1 {
        match c {
            b'<' => return (line[1] == b'<').then_some(("\u{ab}", 2)),
            b'>' => return (line[1] == b'>').then_some(("\u{bb}", 2)),
            b'-' if line[1] == b'-' => return Some(("\u{2013}", 2)),
            _ => {}
        }
    }
    if c != b'\'' && c != b'"' {
        return None;
    }
    let (can_open, can_close) = delimiter(line, before);
    let len = line.len();
    if c == b'\'' {
        // Decade abbreviations such as '90s.
        if can_open
            && !can_close
            && len > 3
            && line[1].is_ascii_digit()
            && line[2].is_ascii_digit()
            && line[3] == b's'
        {
            let after = if len > 4 { rune(line, 4) } else { ' ' };
            if len == 3 || after.is_whitespace() || is_punct_rune(after) {
                return Some((RSQUO, 1));
            }
        }
        // 'twas, 'em, 'net.
        if len > 1
            && (go_is_punct(before) || before.is_whitespace())
            && matches!(line[1], b't' | b'e' | b'n' | b'l')
        {
            return Some((RSQUO, 1));
        }
        // Between two alphanumerics.
        if len > 1
            && (before.is_numeric() || before.is_alphabetic())
            && rune(line, 1).is_alphabetic()
        {
            return Some((RSQUO, 1));
        }
        if can_open && !can_close {
            let ends =
                |at: usize| len <= at || line[at].is_ascii_punctuation() || is_space_byte(line[at]);
            // Alice's, I'm, Don't, You'd; I've, I'll, You're.
            let right = (len > 1 && matches!(line[1], b's' | b'm' | b't' | b'd') && ends(2))
                || (len > 2
                    && matches!(
                        (line[1], line[2]),
                        (b'v', b'e') | (b'l', b'l') | (b'r', b'e')
                    )
                    && ends(3));
            if right {
                return Some((RSQUO, 1));
            }
            counter.single += 1;
            return Some((LSQUO, 1));
        }
        // Goldmark's plural possessives test (as it is written, it holds for most quotes).
        let first = rune(line, 0);
        if (len > 1 && first.is_whitespace())
            || (go_is_punct(first) && len > 2 && !rune(line, 1).is_numeric())
        {
            return Some((RSQUO, 1));
        }
        if counter.single > 0 && closes(line, can_open, can_close) {
            counter.single -= 1;
            return Some((RSQUO, 1));
        }
        return None;
    }
    if can_open && !can_close {
        counter.double += 1;
        return Some((LDQUO, 1));
    }
    if counter.double > 0 && closes(line, can_open, can_close) {
        // "Monitor 21""
        if len > 1 && line[1] == b'"' && before.is_numeric() {
            return None;
        }
        counter.double -= 1;
        return Some((RDQUO, 1));
    }
    None
}

fn closes(line: &[u8], can_open: bool, can_close: bool) -> bool {
    let len = line.len();
    let is_close = can_close && !can_open;
    let maybe_close = can_close
        && can_open
        && len > 1
        && go_is_punct(rune(line, 1))
        && (len == 2 || (len > 2 && line[2].is_ascii_punctuation() || is_space_byte(line[2])));
    is_close || maybe_close
}

/// Goldmark's `ScanDelimiter` for a run of the quote `line` starts with.
fn delimiter(line: &[u8], before: char) -> (bool, bool) {
    let c = line[0];
    let run = line.iter().take_while(|&&b| b == c).count();
    let after = if run < line.len() {
        rune(line, run)
    } else {
        ' '
    };
    let (before_punct, before_space) = (is_punct_rune(before), before.is_whitespace());
    let (after_punct, after_space) = (is_punct_rune(after), after.is_whitespace());
    let left = !after_space && (!after_punct || before_space || before_punct);
    let right = !before_space && (!before_punct || after_space || after_punct);
    (left, right)
}

/// kramdown's smart quotes and typographic symbols over `events`.
pub(crate) fn kramdown(
    events: &mut [Event<'_>],
    ranges: &[Range<usize>],
    source: &str,
    settings: &Markdown,
) {
    let mut code = 0usize;
    // The character before the text, as kramdown's span parser sees it: `None` where a span
    // (emphasis, a link, code) or the block starts.
    let mut before: Option<char> = None;
    for (event, range) in events.iter_mut().zip(ranges) {
        match event {
            Event::Start(Tag::CodeBlock(_) | Tag::HtmlBlock) => code += 1,
            Event::End(TagEnd::CodeBlock | TagEnd::HtmlBlock) => code = code.saturating_sub(1),
            Event::SoftBreak | Event::HardBreak => before = Some('\n'),
            Event::Text(text) if code == 0 => {
                let raw = source.get(range.clone()).unwrap_or("");
                let (replaced, last) = if escaped_at(source, range.start) && !text.is_empty() {
                    // An escaped character is printed as it is; a new scan starts after it.
                    let first = text.chars().next().map_or(0, char::len_utf8);
                    let (rest, last) = kramdown_text(&text[first..], None, settings, false);
                    (rest.map(|rest| format!("{}{rest}", &text[..first])), last)
                } else if raw != text.as_ref() && unescaped(raw) == text.as_ref() {
                    // Escapes inside: read the source, where they are.
                    let (out, last) = kramdown_text(raw, before, settings, true);
                    (Some(out.unwrap_or_else(|| text.to_string())), last)
                } else {
                    kramdown_text(text, before, settings, false)
                };
                if let Some(replaced) = replaced {
                    *text = CowStr::from(replaced);
                }
                before = last;
            }
            _ => before = None,
        }
    }
}

fn is_ruby_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

fn is_ruby_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n' | '\x0c' | '\x0b')
}

const SQ_PUNCT: &str = "!\"#$%'()*+,-./:;<=>?@[\\]^_`{|}~";

/// kramdown over one text: the text with its quotes and symbols replaced (if any were), and
/// the character a following text sees before it.
fn kramdown_text(
    text: &str,
    mut before: Option<char>,
    md: &Markdown,
    raw: bool,
) -> (Option<String>, Option<char>) {
    let [lsquo, rsquo, ldquo, rdquo] = md.quotes;
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 8);
    let mut changed = false;
    let mut i = 0;
    let starts = |i: usize, s: &str| {
        s.chars()
            .enumerate()
            .all(|(k, c)| chars.get(i + k) == Some(&c))
    };
    while i < chars.len() {
        let c = chars[i];
        if raw && c == '\\' && chars.get(i + 1).is_some_and(char::is_ascii_punctuation) {
            // An escape in the source: its character as it is, and a new scan after it.
            out.push(chars[i + 1]);
            changed = true;
            i += 2;
            before = None;
            continue;
        }
        // Typographic symbols, longest first.
        let symbol = [
            ("---", md.symbol(0, "---", "\u{2014}")),
            ("--", md.symbol(1, "--", "\u{2013}")),
            ("...", md.symbol(2, "...", "\u{2026}")),
            ("<< ", md.symbol(3, "<< ", "\u{ab}\u{a0}")),
            ("<<", md.symbol(3, "<<", "\u{ab}")),
            (">>", md.symbol(4, ">>", "\u{bb}")),
        ]
        .into_iter()
        .find(|(s, _)| starts(i, s));
        if let Some((written, printed)) = symbol {
            out.push_str(printed);
            changed |= printed != written;
            i += written.chars().count();
            before = None;
            continue;
        }
        if c == ' ' && starts(i + 1, ">>") {
            out.push_str(md.symbol(4, " >>", "\u{a0}\u{bb}"));
            changed = true;
            i += 3;
            before = None;
            continue;
        }
        if c != '\'' && c != '"' || before == Some('\\') {
            out.push(c);
            before = Some(c);
            i += 1;
            continue;
        }
        let at = |k: usize| chars.get(i + k).copied();
        let open = |q: char| if q == '"' { ldquo } else { lsquo };
        let close = |q: char| if q == '"' { rdquo } else { rsquo };
        let word = |k: usize| at(k).is_some_and(is_ruby_word);
        let mut taken = 1;
        let printed: Vec<char> = match before {
            None => {
                let a0 = at(1);
                let emphasis = a0.is_some_and(|a| a == '_' || a == '*')
                    && ((at(2).is_some_and(|a| a == '_' || a == '*')
                        && at(3).is_some_and(|a| !is_ruby_space(a)))
                        || at(2).is_some_and(|a| !is_ruby_space(a)));
                let punct_after = a0.is_some_and(|a| SQ_PUNCT.contains(a))
                    && !(at(2) == Some('.') && at(3) == Some('.'))
                    && {
                        let a0_word = a0.is_some_and(is_ruby_word);
                        let a1_word = at(2).is_some_and(is_ruby_word);
                        a0_word == a1_word
                    };
                if emphasis {
                    vec![open(c)]
                } else if punct_after {
                    vec![close(c)]
                } else if c == '"' && at(1) == Some('\'') && word(2) {
                    taken = 2;
                    vec![ldquo, lsquo]
                } else if c == '\'' && at(1) == Some('"') && word(2) {
                    taken = 2;
                    vec![lsquo, ldquo]
                } else if c == '\''
                    && at(1).is_some_and(|a| a.is_ascii_digit())
                    && at(2).is_some_and(|a| a.is_ascii_digit())
                    && at(3) == Some('s')
                {
                    vec![rsquo]
                } else if at(1).is_some_and(|a| a == '\'' || a == '"') {
                    // `(SQ_CLOSE)('|")` with the quote itself as the closing character.
                    taken = 2;
                    vec![c, close(at(1).unwrap_or(c))]
                } else if a0.is_none_or(is_ruby_space) || (a0 == Some('s') && !word(2)) {
                    vec![close(c)]
                } else {
                    vec![open(c)]
                }
            }
            Some(p) => {
                let space = is_ruby_space(p);
                if space && c == '"' && at(1) == Some('\'') && word(2) {
                    taken = 2;
                    vec![ldquo, lsquo]
                } else if space && c == '\'' && at(1) == Some('"') && word(2) {
                    taken = 2;
                    vec![lsquo, ldquo]
                } else if space
                    && c == '\''
                    && at(1).is_some_and(|a| a.is_ascii_digit())
                    && at(2).is_some_and(|a| a.is_ascii_digit())
                    && at(3) == Some('s')
                {
                    vec![rsquo]
                } else if space && word(1) {
                    vec![open(c)]
                } else if !matches!(p, ' ' | '\\' | '\t' | '\r' | '\n' | '[' | '{' | '(' | '-') {
                    vec![close(c)]
                } else {
                    vec![open(c)]
                }
            }
        };
        for p in &printed {
            out.push(*p);
        }
        changed |= printed.iter().zip(&chars[i..]).any(|(a, b)| a != b);
        i += taken;
        // The quotes were consumed by the parser: what follows starts a new scan.
        before = None;
    }
    (changed.then_some(out), before)
}

#[cfg(test)]
mod tests {
    use super::super::markdown::render;
    use herald_config::generator::Markdown;

    fn text_of(markdown: &str, settings: Markdown) -> String {
        render(markdown, &settings).unwrap().html
    }

    /// The HTML Hugo 0.111.3 (Goldmark 1.5.4) and Jekyll 4.3.1 (kramdown 2.4) print for the
    /// same line (tests/fixtures/markdown holds the sites that made them).
    #[test]
    fn quotes_and_dashes_as_each_generator_prints_them() {
        let source =
            "It's \"Intro\" -- a 'test' --- done... `gensym`'ed, parameters.\" << x >> don\\'t\n";
        let hugo = text_of(source, Markdown::goldmark());
        assert_eq!(
            hugo,
            "<p>It’s “Intro” – a ’test’ — done… <code>gensym</code>‘ed, parameters.\" « x » don't</p>\n"
        );
        let jekyll = text_of(source, Markdown::kramdown());
        assert_eq!(
            jekyll,
            "<p>It’s “Intro” – a ‘test’ — done… <code>gensym</code>‘ed, parameters.” «\u{a0}x\u{a0}» don't</p>\n"
        );
    }
}
