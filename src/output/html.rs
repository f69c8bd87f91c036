//! The HTML review report: one self-contained file (inline CSS and a few lines of inline
//! JavaScript, no network), readable and printable without JavaScript.
//!
//! Top: a summary (file, languages, providers, time, configuration fingerprint, counts of
//! sentences, beads, flags and decisions) and the review queue (flagged beads, riskiest first,
//! linking to their rows). Then one table row per bead, side by side: source cell with the source
//! language's direction (`dir="rtl" lang="ar"` for Arabic), target cell likewise, the flags with
//! message and evidence (the English message left to right with each run of Arabic in it in its
//! own `<bdi>`, see [`isolated`]; evidence in `<bdi>`, since it often mixes directions), and the decision
//! (an edit shows the machine translation struck through). Flagged rows are highlighted by their
//! worst severity. With JavaScript, controls sort the rows by risk and filter them by severity,
//! check and decision; the address can preset them (`report.html#order=risk&severity=warning`). Every text is escaped; control characters are shown as control pictures.

use std::collections::BTreeMap;
use std::io::{self, Write};

use crate::bitext::{Bitext, Origin};
use crate::lang::Lang;
use crate::output::{BeadView, bead_views, format_score, tsv::action_name, visible_controls};

/// Writes the report.
pub fn write(bitext: &Bitext, out: &mut dyn Write) -> io::Result<()> {
    let views = bead_views(bitext);
    let risks: Vec<f64> = views.iter().map(|v| v.risk).collect();
    let title = match &bitext.header.source_file {
        Some(file) => format!("tarjama report: {file}"),
        None => "tarjama report".to_string(),
    };
    write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"generator\" content=\"tarjama {}\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        env!("CARGO_PKG_VERSION"),
        escape(&title)
    )?;
    write_summary(bitext, &views, out)?;
    write_queue(&views, &risks, out)?;
    write_table(bitext, &views, &risks, out)?;
    write!(out, "<script>{SCRIPT}</script>\n</body>\n</html>\n")
}

fn write_summary(bitext: &Bitext, views: &[BeadView<'_>], out: &mut dyn Write) -> io::Result<()> {
    let header = &bitext.header;
    writeln!(out, "<header>\n<h1>Translation review report</h1>")?;
    if let Some(file) = &header.source_file {
        writeln!(out, "<p class=\"file\"><bdi>{}</bdi></p>", escape(file))?;
    }
    writeln!(out, "<dl class=\"summary\">")?;
    let mut item = |key: &str, value: String| -> io::Result<()> {
        writeln!(out, "<dt>{}</dt><dd>{value}</dd>", escape(key))
    };
    item(
        "Languages",
        format!(
            "{} → {}",
            escape(header.source_lang.as_str()),
            escape(header.target_lang.as_str())
        ),
    )?;
    item(
        "Sentences",
        format!(
            "{} source, {} target",
            bitext.source.len(),
            bitext.target.len()
        ),
    )?;
    item("Beads", counts(views.iter().map(|v| v.bead.kind())))?;
    let all_flags = views.iter().flat_map(|v| v.flags.iter());
    item(
        "Flags",
        counts_or_none(all_flags.clone().map(|f| f.severity.to_string())),
    )?;
    item("Checks", counts_or_none(all_flags.map(|f| f.code.clone())))?;
    let flagged = views.iter().filter(|v| !v.flags.is_empty()).count();
    let pending = views
        .iter()
        .filter(|v| !v.flags.is_empty() && v.decision.is_none())
        .count();
    item(
        "Review",
        format!(
            "{flagged} flagged beads, {pending} still to review; decisions: {}",
            counts_or_none(
                views
                    .iter()
                    .filter_map(|v| v.action().map(|a| action_name(a).to_string()))
            )
        ),
    )?;
    let origins = bitext.target.iter().filter_map(|s| s.origin).map(|o| {
        match o {
            Origin::Network => "network",
            Origin::Cache => "cache",
            Origin::Memory => "memory",
            Origin::File => "file",
        }
        .to_string()
    });
    item("Translations from", counts_or_none(origins))?;
    if !header.providers.is_empty() {
        item("Providers", escape(&header.providers.join(" → ")))?;
    }
    let optional = [
        ("Created", &header.created),
        ("Target file", &header.target_file),
        ("Unit", &header.unit),
        ("Configuration", &header.config_fingerprint),
        ("Tool", &header.tool),
    ];
    for (key, value) in optional {
        if let Some(value) = value {
            item(key, format!("<bdi>{}</bdi>", escape(value)))?;
        }
    }
    for (key, value) in &header.extra {
        let shown = match value {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        item(key, format!("<bdi>{}</bdi>", escape(&shown)))?;
    }
    writeln!(out, "</dl>\n</header>")
}

/// `"5 × 1-1, 1 × 2-1"`, most frequent first.
fn counts(items: impl Iterator<Item = String>) -> String {
    let mut tally: BTreeMap<String, usize> = BTreeMap::new();
    for item in items {
        *tally.entry(item).or_default() += 1;
    }
    let mut sorted: Vec<_> = tally.into_iter().collect();
    sorted.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    sorted
        .iter()
        .map(|(k, n)| format!("{n} × {}", escape(k)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn counts_or_none(items: impl Iterator<Item = String>) -> String {
    let text = counts(items);
    if text.is_empty() { "none".into() } else { text }
}

fn write_queue(views: &[BeadView<'_>], risks: &[f64], out: &mut dyn Write) -> io::Result<()> {
    let mut pending: Vec<(f64, &BeadView<'_>)> = views
        .iter()
        .zip(risks)
        .filter(|(v, _)| !v.flags.is_empty() && v.decision.is_none())
        .map(|(v, &r)| (r, v))
        .collect();
    pending.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.bead.id.cmp(&b.1.bead.id)));
    writeln!(
        out,
        "<section id=\"queue\">\n<h2>To review, riskiest first ({})</h2>",
        pending.len()
    )?;
    if pending.is_empty() {
        writeln!(out, "<p>Nothing left to review.</p>")?;
    } else {
        writeln!(out, "<ol>")?;
        for (risk, view) in pending {
            let worst = view.flags[0];
            writeln!(
                out,
                "<li class=\"sev-{sev}\"><a href=\"#b{id}\">bead {id}</a> <span class=\"risk\">risk {risk}</span> <span class=\"sev\">{sev}</span> <code>{code}</code> <bdi dir=\"ltr\">{message}</bdi></li>",
                sev = worst.severity,
                id = view.bead.id,
                risk = format_score(risk),
                code = escape(&worst.code),
                message = isolated(&worst.message),
            )?;
        }
        writeln!(out, "</ol>")?;
    }
    writeln!(out, "</section>")
}

fn write_table(
    bitext: &Bitext,
    views: &[BeadView<'_>],
    risks: &[f64],
    out: &mut dyn Write,
) -> io::Result<()> {
    let (src, tgt) = (&bitext.header.source_lang, &bitext.header.target_lang);
    writeln!(
        out,
        "<section id=\"beads\">\n<h2>Aligned sentences</h2>\n<div id=\"controls\" hidden></div>\n<table id=\"bitext\">\n<thead><tr><th class=\"id\">Bead</th><th>Source ({})</th><th>Translation ({})</th><th>Flags</th><th>Decision</th></tr></thead>\n<tbody>",
        escape(src.as_str()),
        escape(tgt.as_str())
    )?;
    for (view, &risk) in views.iter().zip(risks) {
        write_row(bitext, view, risk, out)?;
    }
    writeln!(out, "</tbody>\n</table>\n</section>")
}

fn write_row(
    bitext: &Bitext,
    view: &BeadView<'_>,
    risk: f64,
    out: &mut dyn Write,
) -> io::Result<()> {
    let (src, tgt) = (&bitext.header.source_lang, &bitext.header.target_lang);

    let id = view.bead.id;
    let severity = view
        .severity()
        .map_or("none".to_string(), |s| s.to_string());
    let mut classes = vec!["bead".to_string()];
    if !view.flags.is_empty() {
        classes.push("flagged".into());
        classes.push(format!("sev-{severity}"));
    }
    if let Some(action) = view.action() {
        classes.push(format!("decided {}", action_name(action)));
    }
    let mut codes: Vec<&str> = view.flags.iter().map(|f| f.code.as_str()).collect();
    codes.dedup();
    writeln!(
        out,
        "<tr id=\"b{id}\" class=\"{}\" data-order=\"{id}\" data-risk=\"{}\" data-severity=\"{severity}\" data-codes=\"{}\" data-decision=\"{}\">",
        classes.join(" "),
        format_score(risk),
        escape(&codes.join(" ")),
        view.action().map_or("none", action_name),
    )?;
    write!(
        out,
        "<td class=\"id\"><a href=\"#b{id}\">{id}</a><span class=\"kind\">{}</span><span class=\"score\" title=\"alignment score\">{}</span>",
        view.bead.kind(),
        format_score(view.bead.score)
    )?;
    for provider in &view.providers {
        write!(
            out,
            "<span class=\"provider\" title=\"translation from\">{}</span>",
            escape(provider)
        )?;
    }
    writeln!(out, "</td>")?;
    writeln!(
        out,
        "<td class=\"text src\" {}>{}</td>",
        direction(src),
        escape(&view.source)
    )?;
    write!(out, "<td class=\"text tgt\" {}>", direction(tgt))?;
    if view.target != view.original_target {
        write!(
            out,
            "<ins>{}</ins><del title=\"before the edit\">{}</del>",
            escape(&view.target),
            escape(&view.original_target)
        )?;
    } else {
        write!(out, "{}", escape(&view.target))?;
    }
    writeln!(out, "</td>")?;
    write!(out, "<td class=\"flags\">")?;
    if !view.flags.is_empty() {
        write!(out, "<ul>")?;
        for flag in &view.flags {
            write!(
                out,
                "<li class=\"flag sev-{sev}\"><span class=\"sev\">{sev}</span> <code>{}</code> <bdi dir=\"ltr\">{}</bdi>",
                escape(&flag.code),
                isolated(&flag.message),
                sev = flag.severity,
            )?;
            if !flag.evidence.is_empty() {
                write!(
                    out,
                    "<div class=\"evidence\">evidence: <bdi>{}</bdi></div>",
                    escape(&flag.evidence)
                )?;
            }
            write!(out, "</li>")?;
        }
        write!(out, "</ul>")?;
    }
    writeln!(out, "</td>")?;
    write!(out, "<td class=\"decision\">")?;
    if let Some(decision) = view.decision {
        write!(
            out,
            "<span class=\"action\">{}</span>",
            action_name(decision.action)
        )?;
        if let Some(note) = &decision.note {
            write!(out, "<div class=\"note\"><bdi>{}</bdi></div>", escape(note))?;
        }
        let by: Vec<&str> = [decision.reviewer.as_deref(), decision.time.as_deref()]
            .into_iter()
            .flatten()
            .collect();
        if !by.is_empty() {
            write!(
                out,
                "<div class=\"by\"><bdi>{}</bdi></div>",
                escape(&by.join(", "))
            )?;
        }
    } else if !view.flags.is_empty() {
        write!(out, "<span class=\"pending\">to review</span>")?;
    }
    writeln!(out, "</td>\n</tr>")
}

fn direction(lang: &Lang) -> String {
    let dir = if lang.is_rtl() { "rtl" } else { "ltr" };
    format!("dir=\"{dir}\" lang=\"{}\"", escape(lang.as_str()))
}

/// Whether `c` is a strong right-to-left letter (Hebrew, Arabic, Syriac, Thaana, NKo and the
/// presentation forms).
fn is_rtl_letter(c: char) -> bool {
    matches!(c, '\u{0590}'..='\u{08ff}' | '\u{fb1d}'..='\u{fdff}' | '\u{fe70}'..='\u{fefc}')
        && !c.is_whitespace()
}

/// What may stand between two right-to-left words of one run: spaces, digits, the punctuation
/// inside a quotation.
fn joins_rtl(c: char) -> bool {
    c.is_whitespace()
        || c.is_ascii_digit()
        || matches!(
            c,
            '.' | ','
                | ':'
                | ';'
                | '\''
                | '"'
                | '!'
                | '?'
                | '('
                | ')'
                | '-'
                | '\u{60c}'
                | '\u{61b}'
                | '\u{61f}'
        )
        || ('\u{660}'..='\u{669}').contains(&c)
}

/// [`escape`]s a left-to-right text (an English message) and puts each run of right-to-left
/// text in its own `<bdi>`, so that «حزنت» inside a sentence keeps its place and does not
/// reorder the words, numbers and punctuation around it.
pub fn isolated(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 16);
    let mut plain = String::new();
    let mut i = 0;
    while i < chars.len() {
        if !is_rtl_letter(chars[i]) {
            plain.push(chars[i]);
            i += 1;
            continue;
        }
        // The run ends at its last RTL letter before anything that cannot join it.
        let mut end = i + 1;
        let mut j = i + 1;
        while j < chars.len() && (is_rtl_letter(chars[j]) || joins_rtl(chars[j])) {
            if is_rtl_letter(chars[j]) {
                end = j + 1;
            }
            j += 1;
        }
        out.push_str(&escape(&plain));
        plain.clear();
        let run: String = chars[i..end].iter().collect();
        out.push_str("<bdi>");
        out.push_str(&escape(&run));
        out.push_str("</bdi>");
        i = end;
    }
    out.push_str(&escape(&plain));
    out
}

/// Escapes text for HTML element content and quoted attributes; controls become visible.
pub fn escape(text: &str) -> String {
    let text = visible_controls(text);
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c => escaped.push(c),
        }
    }
    escaped
}

const STYLE: &str = r#"
:root{--error:#b3261e;--error-bg:#fde7e7;--warning:#8a5a00;--warning-bg:#fff4d6;--info:#1f5fa8;--info-bg:#e8f1fb;--line:#d0d4da;--muted:#5f6670}
*{box-sizing:border-box}
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI","Noto Sans","Noto Naskh Arabic","Noto Sans Arabic","DejaVu Sans",sans-serif;margin:0 auto;padding:1.5rem;max-width:1400px;color:#1d2125;background:#fff}
h1{font-size:1.5rem;margin:0 0 .25rem}h2{font-size:1.15rem;margin:1.5rem 0 .5rem}
.file{color:var(--muted);margin:0 0 1rem;font-family:ui-monospace,monospace}
dl.summary{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:0;padding:.75rem 1rem;border:1px solid var(--line);border-radius:6px;background:#f7f8fa}
dl.summary dt{font-weight:600}dl.summary dd{margin:0}
#queue ol{margin:.25rem 0;padding-left:2rem}#queue li{margin:.15rem 0}
.risk{color:var(--muted);font-variant-numeric:tabular-nums}
.sev{display:inline-block;font-size:.75rem;font-weight:700;text-transform:uppercase;padding:0 .35rem;border-radius:3px}
.sev-error .sev{background:var(--error);color:#fff}.sev-warning .sev{background:var(--warning);color:#fff}.sev-info .sev{background:var(--info);color:#fff}
#controls{display:flex;flex-wrap:wrap;gap:1rem;align-items:center;margin:.5rem 0;padding:.5rem .75rem;border:1px solid var(--line);border-radius:6px}
#controls[hidden]{display:none}
table{border-collapse:collapse;width:100%;table-layout:fixed}
th,td{border:1px solid var(--line);padding:.45rem .6rem;vertical-align:top;text-align:start}
thead th{background:#eef0f3;position:sticky;top:0}
th.id,td.id{width:7.5rem}th:nth-child(4){width:24%}th:nth-child(5){width:13%}
td.id a{font-weight:700}td.id span{display:block;color:var(--muted);font-size:.8rem;font-variant-numeric:tabular-nums;overflow-wrap:anywhere}
td.text{white-space:pre-wrap;overflow-wrap:anywhere}
td.src[dir=rtl]{font-size:1.1rem;line-height:1.7}
tr.flagged{border-inline-start:5px solid}
tr.sev-error{background:var(--error-bg)}tr.sev-error td.id{border-left:5px solid var(--error)}
tr.sev-warning{background:var(--warning-bg)}tr.sev-warning td.id{border-left:5px solid var(--warning)}
tr.sev-info{background:var(--info-bg)}tr.sev-info td.id{border-left:5px solid var(--info)}
tr.decided.garbled td.text,tr.decided.reject td.text{color:var(--muted)}
tr:target{outline:3px solid #222;outline-offset:-3px}
td.flags ul{margin:0;padding:0;list-style:none}td.flags li{margin:0 0 .4rem}
.evidence{font-size:.85rem;color:var(--muted)}
ins{text-decoration:none;display:block}del{display:block;color:var(--muted);font-size:.85rem}
.action{font-weight:700;text-transform:uppercase;font-size:.8rem}.note,.by{font-size:.85rem}.by{color:var(--muted)}
.pending{color:var(--muted);font-style:italic}
code{font-size:.85rem}
@media print{body{padding:0;max-width:none;font-size:11px}#controls,#queue a::after{display:none}thead th{position:static}tr{break-inside:avoid}tr.flagged,tr.sev-error,tr.sev-warning,tr.sev-info{-webkit-print-color-adjust:exact;print-color-adjust:exact}a{color:inherit;text-decoration:none}}
"#;

/// Sorting and filtering; without it the table is in document order and the queue above gives
/// the risk order.
const SCRIPT: &str = r#"
(function(){
var body=document.querySelector('#bitext tbody');if(!body)return;
var rows=Array.prototype.slice.call(body.rows);
var controls=document.getElementById('controls');
function select(label,id,options){var l=document.createElement('label');l.textContent=label+' ';var s=document.createElement('select');s.id=id;options.forEach(function(o){var e=document.createElement('option');e.value=o[0];e.textContent=o[1];s.appendChild(e);});l.appendChild(s);controls.appendChild(l);s.addEventListener('change',apply);return s;}
var codes={};rows.forEach(function(r){(r.dataset.codes||'').split(' ').forEach(function(c){if(c)codes[c]=1;});});
var order=select('Order','order',[['doc','document order'],['risk','risk, highest first']]);
var sev=select('Severity','severity',[['all','all beads'],['flagged','flagged'],['error','error'],['warning','warning or worse'],['info','info or worse'],['none','not flagged']]);
var check=select('Check','check',[['all','all checks']].concat(Object.keys(codes).sort().map(function(c){return [c,c];})));
var dec=select('Decision','decision',[['all','any'],['none','undecided'],['decided','decided']]);
var count=document.createElement('span');count.id='shown';controls.appendChild(count);
var rank={none:0,info:1,warning:2,error:3};
function apply(){
var sorted=rows.slice();
if(order.value==='risk'){sorted.sort(function(a,b){return parseFloat(b.dataset.risk)-parseFloat(a.dataset.risk)||a.dataset.order-b.dataset.order;});}
var shown=0;
sorted.forEach(function(r){
var s=r.dataset.severity,ok=true;
if(sev.value==='flagged')ok=s!=='none';else if(sev.value==='none')ok=s==='none';else if(sev.value!=='all')ok=rank[s]>=rank[sev.value];
if(ok&&check.value!=='all')ok=(' '+r.dataset.codes+' ').indexOf(' '+check.value+' ')>=0;
if(ok&&dec.value!=='all')ok=(dec.value==='none')===(r.dataset.decision==='none');
r.hidden=!ok;if(ok)shown++;body.appendChild(r);});
count.textContent=shown+' of '+rows.length+' beads shown';}
// Initial settings from the address, e.g. report.html#order=risk&severity=warning&check=omission
(location.hash.indexOf('=')>0?location.hash.slice(1).split('&'):[]).forEach(function(kv){var p=kv.split('='),s=document.getElementById(decodeURIComponent(p[0]));if(s&&s.tagName==='SELECT'){var v=decodeURIComponent(p[1]||'');if(Array.prototype.some.call(s.options,function(o){return o.value===v;}))s.value=v;}});
controls.hidden=false;apply();
})();
"#;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bitext::{Bead, Sentence, Side};
    use crate::output::fixture;

    fn render(bitext: &Bitext) -> String {
        let mut buf = Vec::new();
        write(bitext, &mut buf).unwrap();
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn markup_in_the_article_is_text() {
        let mut b = Bitext::new("ar".parse().unwrap(), "en".parse().unwrap());
        b.header.source_file = Some("<img src=x onerror=alert(1)>.txt".into());
        b.source.push(Sentence::new(
            Side::Source,
            0,
            0,
            "<script>document.title='pwned'</script> & \"q\"",
        ));
        b.target
            .push(Sentence::new(Side::Target, 0, 0, "</td></tr><b>x</b>"));
        b.beads.push(Bead::new(0, vec![0], vec![0], 1.0));
        let html = render(&b);
        assert!(!html.contains("<script>document"));
        assert!(html.contains("&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;"));
        assert!(!html.contains("<img"));
        assert!(!html.contains("<b>x</b>"));
        assert_eq!(html.matches("<script>").count(), 1, "only our own script");
    }

    #[test]
    fn rows_carry_direction_flags_and_decisions() {
        let html = render(&fixture::sample());
        assert_eq!(html.matches("<tr id=\"b").count(), 7);
        assert_eq!(
            html.matches("class=\"text src\" dir=\"rtl\" lang=\"ar\"")
                .count(),
            7
        );
        assert_eq!(
            html.matches("class=\"text tgt\" dir=\"ltr\" lang=\"en\"")
                .count(),
            7
        );
        assert!(html.contains("<tr id=\"b3\" class=\"bead flagged sev-error decided edit\""));
        assert!(html.contains("<del title=\"before the edit\">On March 20, 2013"));
        assert!(html.contains("evidence: <bdi>2003 → 2013</bdi>"));
        assert!(html.contains("<a href=\"#b6\">bead 6</a>"));
        assert!(html.contains("@media print"));
    }

    #[test]
    fn controls_are_visible() {
        assert_eq!(escape("a\u{0}b"), "a\u{2400}b");
    }

    #[test]
    fn arabic_inside_an_english_message_is_isolated() {
        assert_eq!(
            isolated("«حزنت» appears 2 times, <b> not «حزنت، ا ب»."),
            "«<bdi>حزنت</bdi>» appears 2 times, &lt;b&gt; not «<bdi>حزنت، ا ب</bdi>»."
        );
        assert_eq!(isolated("no Arabic"), "no Arabic");
        assert_eq!(isolated("ع 3"), "<bdi>ع</bdi> 3");
    }
}
