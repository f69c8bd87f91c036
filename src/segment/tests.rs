//! Unit tests of the segmenter: rule tables, the seed article's gold, and property tests.

use proptest::prelude::*;

use super::*;

fn ar() -> Options {
    Options::new(Lang::parse("ar").unwrap())
}

fn texts<'a>(text: &'a str, options: &Options) -> Vec<&'a str> {
    split(text, options)
        .into_iter()
        .map(|s| &text[s.span])
        .collect()
}

/// Rule table: input, expected sentences (Arabic options).
const ARABIC_CASES: &[(&str, &[&str])] = &[
    // Style anchors §6 (UAX #29 baseline cases).
    (
        "ذهب الطالب إلى المدرسة. ثم عاد إلى البيت؟ نعم، عاد مبكرا!",
        &[
            "ذهب الطالب إلى المدرسة.",
            "ثم عاد إلى البيت؟",
            "نعم، عاد مبكرا!",
        ],
    ),
    (
        "قال د. أحمد إن النمو بلغ 3.5 في المئة. وأضاف أن",
        &["قال د. أحمد إن النمو بلغ 3.5 في المئة.", "وأضاف أن"],
    ),
    ("هل أنت بخير؟نعم.", &["هل أنت بخير؟", "نعم."]),
    ("انتهى الاجتماع۔ بدأ آخر", &["انتهى الاجتماع۔", "بدأ آخر"]),
    (
        "قال: «سنعود غدًا.» ثم غادر.",
        &["قال: «سنعود غدًا.»", "ثم غادر."],
    ),
    // Glued period, spaces before punctuation.
    ("انتهى.وبدأ العمل.", &["انتهى.", "وبدأ العمل."]),
    ("انتهى.«قال» ذلك", &["انتهى.", "«قال» ذلك"]),
    ("انتهى.\"قال\" ذلك", &["انتهى.", "\"قال\" ذلك"]),
    (
        "انتهى الأمر . وبدأ آخر ؟ نعم",
        &["انتهى الأمر .", "وبدأ آخر ؟", "نعم"],
    ),
    // Numbers of both digit sets.
    (
        "بلغ ٢٫٥ و٢.٥ و6،5 و10.30 و100,000 دولار. ثم",
        &["بلغ ٢٫٥ و٢.٥ و6،5 و10.30 و100,000 دولار.", "ثم"],
    ),
    // Abbreviations, compared after folding alef and tatweel.
    ("حاضر أ.د. محمد اليوم. ثم", &["حاضر أ.د. محمد اليوم.", "ثم"]),
    ("حاضر ا.د. محمد اليوم", &["حاضر ا.د. محمد اليوم"]),
    ("العنوان ص.ب. 1234 القاهرة", &["العنوان ص.ب. 1234 القاهرة"]),
    ("قال م. علي إن", &["قال م. علي إن"]),
    ("كتب أحمد ز. أمين مقالا", &["كتب أحمد ز. أمين مقالا"]),
    (
        "ولد عام 300 ق. م. وقال آخرون",
        &["ولد عام 300 ق. م.", "وقال آخرون"],
    ),
    ("ولد عام 300 ق.م. في أثينا", &["ولد عام 300 ق.م. في أثينا"]),
    (
        "كان ذلك في القرن الخامس ق.م. وقد",
        &["كان ذلك في القرن الخامس ق.م.", "وقد"],
    ),
    ("توفي سنة 1444 هـ. وكان", &["توفي سنة 1444 هـ.", "وكان"]),
    (
        "اشترى خبزا وجبنا إلخ. وعاد",
        &["اشترى خبزا وجبنا إلخ.", "وعاد"],
    ),
    ("خبز وجبن إلخ. من السوق", &["خبز وجبن إلخ. من السوق"]),
    // Latin inside Arabic.
    (
        "كتبت J. K. Rowling رواية. ثم",
        &["كتبت J. K. Rowling رواية.", "ثم"],
    ),
    (
        "زار موقع www.example.com ثم كتب إلى a.b@mail.org. وانتهى",
        &[
            "زار موقع www.example.com ثم كتب إلى a.b@mail.org.",
            "وانتهى",
        ],
    ),
    (
        "انظر https://example.org/a?b=1!x ثم",
        &["انظر https://example.org/a?b=1!x ثم"],
    ),
    ("قالت الـ U.S. Army إن", &["قالت الـ U.S. Army إن"]),
    // Bracketed ellipsis and quotations.
    (
        "قوات التحالف […] من الجهات. ثم",
        &["قوات التحالف […] من الجهات.", "ثم"],
    ),
    ("قال (...) إنه. ثم", &["قال (...) إنه.", "ثم"]),
    (
        "قال: \"نحن على الدرب. الاتفاق سيبطئ التغير\". ثم",
        &["قال: \"نحن على الدرب. الاتفاق سيبطئ التغير\".", "ثم"],
    ),
    (
        "قال: «لن نعود. أبدا» ثم غادر. وبعد",
        &["قال: «لن نعود. أبدا» ثم غادر.", "وبعد"],
    ),
    (
        "قال »لن نعود. أبدا« ثم غادر",
        &["قال »لن نعود. أبدا« ثم غادر"],
    ),
    ("وقال “ستواصل”. التي", &["وقال “ستواصل”.", "التي"]),
    ("وقال “ستواصل . ” التي", &["وقال “ستواصل . ”", "التي"]),
    ("انتهى. »قال« ذلك", &["انتهى.", "»قال« ذلك"]),
    // Quotations made of sentences are split into them, each still inside the quotation, the
    // closing quote staying with the last one (issue #15): speech that opens the sentence...
    (
        "\"خلقت الأسواق الحرة مزيدا من الثروة. لقد أخرجت الملايين من الفقر.\" هذا ما قاله.",
        &[
            "\"خلقت الأسواق الحرة مزيدا من الثروة.",
            "لقد أخرجت الملايين من الفقر.\"",
            "هذا ما قاله.",
        ],
    ),
    (
        "\"الاقتصاد يتعافى. الأرقام واضحة\" قال الوزير.",
        &["\"الاقتصاد يتعافى.", "الأرقام واضحة\" قال الوزير."],
    ),
    // ...or that ends with its own terminator, in any quotes.
    (
        "وقال: «لن نتراجع. سنواصل العمل. هذا وعد.» وغادر.",
        &["وقال: «لن نتراجع.", "سنواصل العمل.", "هذا وعد.»", "وغادر."],
    ),
    (
        "قالت: “الوضع مستقر. لكننا نراقب.”",
        &["قالت: “الوضع مستقر.", "لكننا نراقب.”"],
    ),
    (
        "تساءل: \"من سيدفع؟ ومن سيحاسب؟\" ثم جلس.",
        &["تساءل: \"من سيدفع؟", "ومن سيحاسب؟\"", "ثم جلس."],
    ),
    (
        "قال »لن نعود. سنبقى هنا.« ثم صمت.",
        &["قال »لن نعود.", "سنبقى هنا.«", "ثم صمت."],
    ),
    (
        "قال: « لن نستسلم . سنقاوم . » وانتهى.",
        &["قال: « لن نستسلم .", "سنقاوم . »", "وانتهى."],
    ),
    (
        "قال: «نقلت قوله \"لن أعود.\" وهذا مؤسف.»",
        &["قال: «نقلت قوله \"لن أعود.\"", "وهذا مؤسف.»"],
    ),
    // Inside such a quotation the usual rules still hold.
    (
        "قال: \"التقيت د. أحمد وبلغ النمو 3.5 في المئة. ثم عدت.\"",
        &[
            "قال: \"التقيت د. أحمد وبلغ النمو 3.5 في المئة.",
            "ثم عدت.\"",
        ],
    ),
    (
        "قال: \"لا أدري... ربما غدا. هل نبقى؟ أو نرحل؟\"",
        &["قال: \"لا أدري... ربما غدا.", "هل نبقى؟ أو نرحل؟\""],
    ),
    // A quotation that is a part of its sentence stays whole: no final terminator of its own
    // (UD Arabic-PUD), inside brackets, or a short title or slogan after a word.
    (
        "قال إن عبارة «لن نعود. أبدا» ما زالت تتردد.",
        &["قال إن عبارة «لن نعود. أبدا» ما زالت تتردد."],
    ),
    (
        "صرح (في مقابلة: \"لن أترشح. هذا نهائي.\" أمس) بأنه سيعتزل.",
        &["صرح (في مقابلة: \"لن أترشح. هذا نهائي.\" أمس) بأنه سيعتزل."],
    ),
    (
        "رفعوا لافتة «ارحل!» أمام الوزارة. ثم تفرقوا.",
        &["رفعوا لافتة «ارحل!» أمام الوزارة.", "ثم تفرقوا."],
    ),
    (
        "عرض فيلم «من أنا؟» في المهرجان.",
        &["عرض فيلم «من أنا؟» في المهرجان."],
    ),
    // After a colon a quoted exclamation is the speech itself and ends the sentence.
    (
        "هتف الحشد: «ارحل!» ثم تفرق.",
        &["هتف الحشد: «ارحل!»", "ثم تفرق."],
    ),
    // Ellipsis inside a sentence, question with "or".
    (
        "إن ما تقوله... في الواقع أمر",
        &["إن ما تقوله... في الواقع أمر"],
    ),
    (
        "ما هذه الطاقة؟ أو ذلك الصوت؟ نعم",
        &["ما هذه الطاقة؟ أو ذلك الصوت؟", "نعم"],
    ),
    // Bidi marks do not hide a boundary and stay in spans.
    (
        "وقال د\u{202a}.\u{202c} ديفيد إنها مريضة. وليس",
        &["وقال د\u{202a}.\u{202c} ديفيد إنها مريضة.", "وليس"],
    ),
    ("انتهى.\u{200F} وبدأ", &["انتهى.\u{200F}", "وبدأ"]),
    // List numbers, runs, lines.
    ("1. البند الأول", &["1. البند الأول"]),
    ("حقا؟! نعم...", &["حقا؟!", "نعم..."]),
    ("عنوان\nنص الخبر. جملة", &["عنوان", "نص الخبر.", "جملة"]),
];

#[test]
fn arabic_rule_table() {
    let options = ar();
    for (input, expected) in ARABIC_CASES {
        assert_eq!(&texts(input, &options), expected, "input: {input}");
    }
}

#[test]
fn english_and_french() {
    let en = Options::new(Lang::parse("en").unwrap());
    assert_eq!(
        texts(
            "Mr. Smith went to Washington, D.C. He met Dr. Jones. The end",
            &en
        ),
        [
            "Mr. Smith went to Washington, D.C.",
            "He met Dr. Jones.",
            "The end"
        ]
    );
    assert_eq!(
        texts("It costs $2.50, e.g. in the U.S. The price rose.", &en),
        ["It costs $2.50, e.g. in the U.S.", "The price rose."]
    );
    assert_eq!(
        texts("Apples, pears etc. They sell well. Wait... what?", &en),
        ["Apples, pears etc.", "They sell well.", "Wait... what?"]
    );
    assert_eq!(
        texts(
            "At 3 p.m. Friday he lived on Main St. in St. Louis. Then he left.",
            &en
        ),
        [
            "At 3 p.m. Friday he lived on Main St. in St. Louis.",
            "Then he left."
        ]
    );
    assert_eq!(
        texts(
            "\"Did you notice?\" says Pall. He studied at the School of Art. “I loved it.”",
            &en
        ),
        [
            "\"Did you notice?\" says Pall.",
            "He studied at the School of Art.",
            "“I loved it.”"
        ]
    );
    assert_eq!(
        texts("Where does it come from? Or that voice? Nobody knows.", &en),
        ["Where does it come from? Or that voice?", "Nobody knows."]
    );
    // Quotations made of sentences, in English too (issue #15).
    assert_eq!(
        texts(
            "\"Free markets created wealth. They lifted millions out of poverty.\" That is what he said.",
            &en
        ),
        [
            "\"Free markets created wealth.",
            "They lifted millions out of poverty.\"",
            "That is what he said."
        ]
    );
    assert_eq!(
        texts(
            "He said: “We will not retreat. We will go on.” Then he left.",
            &en
        ),
        [
            "He said: “We will not retreat.",
            "We will go on.”",
            "Then he left."
        ]
    );
    assert_eq!(
        texts("He shouted \"Stop! Now!\" and ran. They followed.", &en),
        ["He shouted \"Stop!", "Now!\" and ran.", "They followed."]
    );
    // A quotation that is a part of its sentence stays whole.
    assert_eq!(
        texts("He called it \"a mess. A total mess\" in his speech.", &en),
        ["He called it \"a mess. A total mess\" in his speech."]
    );
    assert_eq!(
        texts(
            "He said: \"We are on track. The deal will help\". Then",
            &en
        ),
        ["He said: \"We are on track. The deal will help\".", "Then"]
    );
    // A quotation with its own terminator is split as SRX rules split it, even mid-sentence.
    assert_eq!(
        texts("She wrote “Why me? Why now?” on the wall.", &en),
        ["She wrote “Why me?", "Why now?” on the wall."]
    );
    // An ellipsis inside a quotation marks words left out (UD PUD n01082).
    assert_eq!(
        texts(
            "“More people turn to credit … While this is fine now, it may not last.”",
            &en
        ),
        ["“More people turn to credit … While this is fine now, it may not last.”"]
    );
    let fr = Options::new(Lang::parse("fr").unwrap());
    assert_eq!(
        texts(
            "Il a dit\u{A0}: «\u{A0}Je pars. Je reviendrai demain.\u{A0}» Puis il est parti.",
            &fr
        ),
        [
            "Il a dit\u{A0}: «\u{A0}Je pars.",
            "Je reviendrai demain.\u{A0}»",
            "Puis il est parti."
        ]
    );
    assert_eq!(
        texts("« Nous partons. Nous revenons demain », a-t-il dit.", &fr),
        ["« Nous partons.", "Nous revenons demain », a-t-il dit."]
    );
    assert_eq!(
        texts(
            "Il a dit\u{A0}: «\u{A0}Je pars.\u{A0}» Puis il est parti.",
            &fr
        ),
        [
            "Il a dit\u{A0}: «\u{A0}Je pars.\u{A0}»",
            "Puis il est parti."
        ]
    );
    assert_eq!(
        texts("Mme. Dupont est là. M. Martin aussi.", &fr),
        ["Mme. Dupont est là.", "M. Martin aussi."]
    );
}

#[test]
fn paragraphs_lines_and_line_ends() {
    let options = ar();
    let text = "\u{FEFF}عنوان\r\n\r\nجملة أولى. جملة ثانية\r\n \t\r\nفقرة\rسطر";
    let spans = split(text, &options);
    let got: Vec<(usize, &str)> = spans
        .iter()
        .map(|s| (s.para, &text[s.span.clone()]))
        .collect();
    assert_eq!(
        got,
        [
            (0, "عنوان"),
            (1, "جملة أولى."),
            (1, "جملة ثانية"),
            (2, "فقرة"),
            (2, "سطر")
        ]
    );
    assert_eq!(spans[0].span.start, 3, "the BOM stays outside the span");
    let joined = Options {
        join_lines: true,
        ..ar()
    };
    let got = texts("سطر أول\nيكمل هنا. جملة\n\nفقرة", &joined);
    assert_eq!(got, ["سطر أول\nيكمل هنا.", "جملة", "فقرة"]);
    assert_eq!(paragraphs(text), [3..13, 17..55, 61..text.len()]);
    assert!(split("", &options).is_empty());
    assert!(split(" \n\u{200F}\n\r\n", &options).is_empty());
}

#[test]
fn seed_article_matches_gold() {
    let root = env!("CARGO_MANIFEST_DIR");
    let text = std::fs::read_to_string(format!("{root}/corpora/austin-baghdad/ar.txt")).unwrap();
    let gold = std::fs::read_to_string(format!("{root}/corpora/austin-baghdad/ar.sentences.jsonl"))
        .unwrap();
    let expected: Vec<(usize, usize, usize, usize)> = gold
        .lines()
        .map(|line| {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            let n = |k: &str| v[k].as_u64().unwrap() as usize;
            (n("id"), n("para"), n("start"), n("end"))
        })
        .collect();
    let got: Vec<(usize, usize, usize, usize)> = split(&text, &ar())
        .into_iter()
        .map(|s| (s.id, s.para, s.span.start, s.span.end))
        .collect();
    assert_eq!(got, expected);
}

/// Inputs that would make a careless rule quadratic (re-scanning a long sentence prefix, a long
/// run of marks, or long tokens for every terminator) still take linear time.
#[test]
fn pathological_inputs_take_linear_time() {
    let n = 40_000;
    let inputs = [
        format!("{}{}", "-".repeat(n), " J. K. L.".repeat(n / 8)),
        "\u{200F}.".repeat(n),
        "(".repeat(n) + &"a. ".repeat(n / 4),
        "\"a. b\" ".repeat(n / 6),
        "x".repeat(n) + &". ".repeat(n / 2),
        "؟ ".repeat(n),
        "د. ".repeat(n / 3),
        "«".repeat(n / 2) + &"»".repeat(n / 2),
        "«".to_string() + &"أ. ب ".repeat(n / 4) + &" ".repeat(n) + "»",
        "قال: «".to_string() + &"جملة! ".repeat(n / 6) + "»",
        "\"".repeat(n / 2) + &"ق. ".repeat(n / 4),
    ];
    for input in &inputs {
        let start = std::time::Instant::now();
        for options in [
            ar(),
            Options {
                join_lines: true,
                ..ar()
            },
        ] {
            check_invariants(input, &options);
        }
        let elapsed = start.elapsed();
        assert!(
            elapsed.as_secs() < 5,
            "{} bytes took {elapsed:?}",
            input.len()
        );
    }
}

/// Characters the property tests draw from: Arabic, Latin, digits of both sets, terminators,
/// quotes and brackets, bidi and format marks, spaces, line ends and the odd abbreviation.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "ق", "د", "أ", "ـ", "َ", "a", "B", "J", "7", "٢", "۳", ".", "؟", "!", "?", "…", "۔",
            "،", "؛", ":", "«", "»", "“", "”", "\"", "'", "(", ")", "[", "]", " ", " ", "\n", "\r",
            "\r\n", "\t", "\u{200F}", "\u{200E}", "\u{061C}", "\u{202A}", "\u{202C}", "\u{2067}",
            "\u{2069}", "\u{200C}", "\u{FEFF}", "\u{00A0}", "\u{2028}", "\u{2029}", "\u{85}", "@",
            "/", "www.", "://", "إلخ", "هـ", "U.S.", "Mr", "1", "م", "و",
        ])
        .prop_map(str::to_string),
        any::<char>().prop_map(|c| c.to_string()),
    ]
}

fn arbitrary_text() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 0..80).prop_map(|pieces| pieces.concat())
}

fn check_invariants(text: &str, options: &Options) {
    let spans = split(text, options);
    let mut previous_end = 0;
    let mut previous_para = 0;
    for (index, s) in spans.iter().enumerate() {
        let r = s.span.clone();
        assert_eq!(s.id, index);
        assert!(r.start >= previous_end && r.start < r.end, "{spans:?}");
        assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
        let sentence = &text[r.clone()];
        assert!(!sentence.starts_with(is_edge_space) && !sentence.ends_with(is_edge_space));
        assert!(!is_blank(sentence));
        if !options.join_lines {
            assert!(!sentence.contains(['\n', '\r']), "{sentence:?}");
        }
        let gap = &text[previous_end..r.start];
        assert!(is_blank(gap), "gap {gap:?} has visible text");
        assert!(s.para >= previous_para);
        if index > 0 {
            let blank_line_in_gap = gap_has_blank_line(gap);
            assert_eq!(s.para > previous_para, blank_line_in_gap, "gap {gap:?}");
        }
        previous_para = s.para;
        previous_end = r.end;
    }
    assert!(is_blank(&text[previous_end..]));
    // Spans and gaps rebuild the input exactly.
    let mut rebuilt = String::with_capacity(text.len());
    let mut at = 0;
    for s in &spans {
        rebuilt.push_str(&text[at..s.span.start]);
        rebuilt.push_str(&text[s.span.clone()]);
        at = s.span.end;
    }
    rebuilt.push_str(&text[at..]);
    assert_eq!(rebuilt, text);
}

/// Whether a gap between two sentences contains a blank line (two line ends with only
/// whitespace and invisible characters between them).
fn gap_has_blank_line(gap: &str) -> bool {
    let lines: Vec<&str> = gap.split(['\n', '\r']).collect();
    let normalised = gap.replace("\r\n", "\n").replace('\r', "\n");
    normalised.matches('\n').count() >= 2 && lines.len() >= 3
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(600))]

    #[test]
    fn spans_are_lossless_ordered_and_trimmed(text in arbitrary_text()) {
        check_invariants(&text, &ar());
        check_invariants(&text, &Options { join_lines: true, ..ar() });
        check_invariants(&text, &Options::new(Lang::parse("fr").unwrap()));
    }

    #[test]
    fn any_string_keeps_the_invariants(text in any::<String>()) {
        check_invariants(&text, &ar());
    }
}
