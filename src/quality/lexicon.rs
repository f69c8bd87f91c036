//! The Arabic word lists of the quality checks, each list once, in one place.
//!
//! Words are normalised as [`crate::quality::text::normalize_arabic_word`] leaves them (alef
//! variants folded, no diacritics) unless a list says otherwise. The lists are closed classes
//! (particles, pronouns, prepositions) and small sets a rule needs; a word missing from a list
//! makes its rule stay silent, never fire. Order matters only where a list says so (suffixes
//! are tried longest first).

/// Relative pronouns, normalised (alef variants folded).
///
/// Read by `quality::source_fragments`.
#[rustfmt::skip]
pub(crate) const RELATIVES: &[&str] = &[
    "الذي", "التي", "الذين", "اللذان", "اللتان", "اللذين", "اللتين", "اللواتي", "اللاتي",
    "اللايي", "اللائي",
];

/// Closed-class words that are never the predicate: prepositions, conjunction-like particles,
/// demonstratives and quantifiers (normalised).
///
/// Read by `quality::source_fragments`.
#[rustfmt::skip]
pub(crate) const NON_PREDICATES: &[&str] = &[
    "في", "من", "الى", "على", "عن", "مع", "بين", "حول", "خلال", "بعد", "قبل", "عند", "ضد",
    "نحو", "دون", "حتى", "منذ", "لدى", "عبر", "وفق", "ضمن", "امام", "خلف", "تحت", "فوق", "و",
    "او", "ثم", "هذا", "هذه", "ذلك", "تلك", "هؤلاء", "هولاء", "اولئك", "كل", "بعض", "جميع",
    "اي", "غير", "مثل", "سوى", "عدة", "نحو", "حوالي", "قرابة", "ب", "ل", "ك", "ذات", "ذاته",
    "ذاتها", "ذاتهم", "نفسه", "نفسها", "انفسهم", "ايضا", "احد", "احدى", "واحد", "اثنان",
    "اثنين", "ثلاث", "ثلاثة", "اربع", "اربعة", "خمس", "خمسة", "ستة", "سبعة", "ثماني", "ثمانية",
    "تسعة", "عشر", "عشرة", "عشرين", "عشرون", "مئة", "مائة", "الف", "مليون", "مليار", "شرق",
    "غرب", "شمال", "جنوب", "وسط", "داخل", "خارج", "اعلى", "اسفل", "منتصف", "اواخر", "اوائل",
    "مطلع", "كانون", "شباط", "اذار", "نيسان", "ايار", "حزيران", "تموز", "ايلول", "تشرين",
    "يناير", "فبراير", "مارس", "ابريل", "مايو", "يونيو", "يوليو", "اغسطس", "سبتمبر", "اكتوبر",
    "نوفمبر", "ديسمبر",
];

/// Well-known place names written without the article (normalised): countries, regions and
/// capitals or large cities that news prose names often. An unknown word counts as a possible
/// verb, so without this list `في العاصمة بغداد.` would look like it has one. Names with the
/// article (`العراق`, `القاهرة`) are nouns by their article already.
///
/// Read by `quality::source_fragments`.
#[rustfmt::skip]
pub(crate) const PLACE_NAMES: &[&str] = &[
    "ايران", "اسرائيل", "روسيا", "فرنسا", "المانيا", "بريطانيا", "امريكا", "اميركا", "ايطاليا",
    "اسبانيا", "تركيا", "سوريا", "سورية", "لبنان", "مصر", "ليبيا", "تونس", "قطر", "فلسطين",
    "باكستان", "افغانستان", "كوريا", "كندا", "استراليا", "نيجيريا", "اثيوبيا", "كينيا",
    "اوكرانيا", "بولندا", "هولندا", "بلجيكا", "سويسرا", "النمسا", "اوروبا", "افريقيا", "اسيا",
    "صربيا", "كرواتيا", "فنزويلا", "كولومبيا", "كوبا", "تشيلي", "اندونيسيا", "ماليزيا",
    "فيتنام", "تايلاند", "ايرلندا", "اسكتلندا", "انجلترا", "انكلترا", "رومانيا", "بلغاريا",
    "المجر", "فنلندا", "ايسلندا", "جورجيا", "ارمينيا", "اذربيجان", "كازاخستان", "اوزبكستان",
    "بنغلاديش", "نيبال", "منغوليا", "كمبوديا", "اريتريا", "اوغندا", "تنزانيا", "رواندا", "غانا",
    "انغولا", "زيمبابوي", "موزمبيق", "مدغشقر", "موريتانيا", "جيبوتي", "كشمير", "كردستان",
    "اسكندنافيا", "سيبيريا", "تكساس", "كاليفورنيا", "فلوريدا", "فرجينيا", "اوهايو", "ميشيغان",
    "بغداد", "واشنطن", "باريس", "لندن", "موسكو", "بكين", "طوكيو", "طهران", "دمشق", "بيروت",
    "عمان", "برلين", "روما", "مدريد", "انقرة", "اسطنبول", "اثينا", "بلغراد", "وارسو", "براغ",
    "بودابست", "كييف", "فيينا", "بروكسل", "امستردام", "ستوكهولم", "اوسلو", "كوبنهاغن", "هلسنكي",
    "دبلن", "لشبونة", "برشلونة", "ميلانو", "ميونيخ", "هامبورغ", "جنيف", "زيورخ", "نيويورك",
    "شيكاغو", "بوسطن", "ميامي", "سياتل", "تورونتو", "مونتريال", "سيدني", "ملبورن", "دبي", "جدة",
    "مكة", "غزة", "حلب", "حمص", "اربيل", "كركوك", "كابول", "نيودلهي", "مومباي", "شنغهاي",
    "سيول", "بانكوك", "جاكرتا", "مانيلا", "هانوي", "نيروبي", "لاغوس", "مسقط", "صنعاء", "عدن",
    "بنغازي", "طرابلس", "مراكش", "فاس", "كراتشي", "لاهور", "دكا", "كاتماندو", "هافانا", "ليما",
    "بوغوتا", "كاراكاس", "سانتياغو", "مكسيكو", "اوتاوا", "كانبيرا", "ترامب", "اوباما", "بوتين",
    "بايدن", "كلينتون", "ماكرون", "ميركل", "بوش", "نتنياهو", "اردوغان", "فيسبوك", "غوغل",
    "جوجل", "تويتر", "امازون", "مايكروسوفت", "ابل", "يوتيوب",
];

/// Subordinating conjunctions (normalised): the verb after one heads a dependent clause, not
/// the sentence (`وقتما تشاء`, `عندما وصل`; `أن` only after a preposition), so a short sentence whose only verb follows one has
/// no predicate of its own. `كما` and `بينما` are left out: they also open main clauses in news
/// prose (`كما زار الوزير…`).
///
/// Read by `quality::source_fragments`.
#[rustfmt::skip]
pub(crate) const SUBORDINATORS: &[&str] = &[
    "ان", "وقتما", "عندما", "حينما", "كلما", "لكي", "كي", "اذا", "لو", "لان", "مثلما", "متى",
    "اينما", "ريثما", "طالما", "لما", "حيثما",
];

/// Words a sentence cannot end on (the clause goes on): prepositions, conjunctions,
/// relative pronouns (normalised).
///
/// Read by `quality::source_fragments`.
#[rustfmt::skip]
pub(crate) const CLAUSE_OPENERS: &[&str] = &[
    "في", "من", "الى", "على", "عن", "مع", "بين", "و", "او", "ان", "الذي", "التي", "الذين",
    "حتى", "منذ", "لدى", "عند", "ضد", "نحو", "خلال", "لكن", "ثم", "ب", "ل", "ف", "حول", "عبر",
    "تجاه", "ضمن", "وفق", "بسبب", "بفضل", "حسب", "بحسب", "لصالح", "اجل", "مثل", "سوى", "لان",
    "كي", "لكي", "اذا", "لو", "قد", "لقد", "لم", "لن", "سوف", "بالنسبة", "بمثابة", "عبارة",
    "بدءا", "انطلاقا", "اعتبارا", "نظرا", "بالاضافة", "علاوة", "فضلا", "بغض", "رغم", "بالرغم",
    "قبيل", "جراء", "باسم", "بالقرب", "بواسطة", "بشان", "بخصوص", "ازاء", "حيال", "عقب",
];

/// Question words (normalised).
///
/// Read by `quality::source_fragments`.
#[rustfmt::skip]
pub(crate) const QUESTION_WORDS: &[&str] = &[
    "هل", "ماذا", "لماذا", "ما", "من", "كيف", "متى", "اين", "كم", "اي", "ايهم", "ايها", "لم",
];

/// Verbs of the passive periphrasis `تم + masdar` and its kin (normalised).
///
/// Read by `quality::source_fragments`.
#[rustfmt::skip]
pub(crate) const PASSIVE_AUXILIARIES: &[&str] = &[
    "تم", "يتم", "تمت", "جرى", "يجري",
];

/// First-person pronouns that start direct speech (normalised).
///
/// Read by `quality::source_fragments`.
#[rustfmt::skip]
pub(crate) const FIRST_PERSON: &[&str] = &[
    "انا", "نحن", "انني", "اننا", "اني",
];

/// Speech verbs (normalised, without the conjunction `و`).
///
/// Read by `quality::source_fragments`.
#[rustfmt::skip]
pub(crate) const SPEECH_VERBS: &[&str] = &[
    "قال", "قالت", "يقول", "تقول", "اضاف", "اضافت", "اكد", "اكدت", "اوضح", "اوضحت", "صرح",
    "صرحت", "تابع", "تابعت", "اعلن", "اعلنت", "ذكر", "ذكرت", "شدد", "شددت",
];

/// Prepositions (normalised): the word after one is a noun, whatever it looks like.
///
/// Read by `quality::source_fragments`.
#[rustfmt::skip]
pub(crate) const PREPOSITIONS: &[&str] = &[
    "في", "من", "الى", "على", "عن", "مع", "بين", "حول", "خلال", "بعد", "قبل", "عند", "ضد",
    "نحو", "دون", "حتى", "منذ", "لدى", "عبر", "وفق", "ضمن", "امام", "خلف", "تحت", "فوق", "بحسب",
    "حسب", "وفقا", "لدي", "علي", "الي", "طوال", "طيلة", "لصالح", "بسبب", "بفضل", "بواسطة",
    "جراء", "عقب", "ازاء", "حيال", "تجاه", "بخصوص", "بشان", "اجل", "لاجل", "بدل", "بمثابة",
    "رغم", "بالرغم", "قبيل", "بلا", "دونما",
];

/// Pronoun suffixes that attach to prepositions (`به`, `منها`, `عليهم`).
///
/// Read by `quality::source_fragments`.
#[rustfmt::skip]
pub(crate) const PREPOSITION_PRONOUN_SUFFIXES: &[&str] = &[
    "هما", "هم", "هن", "ها", "كم", "نا", "ه", "ك", "ي",
];

/// Demonstratives that stand before their noun (`هذا الحدث`); `ذلك` and `تلك` are left out,
/// since they often end a sentence as a pronoun (`أكد ذلك.`).
///
/// Read by `quality::source_fragments`.
#[rustfmt::skip]
pub(crate) const PRENOMINAL_DEMONSTRATIVES: &[&str] = &[
    "هذا", "هذه", "هؤلاء", "هولاء", "هذين", "هاتين",
];

/// Ordinal and time adjectives that follow their noun (normalised, with the article).
///
/// Read by `quality::source_fragments`.
#[rustfmt::skip]
pub(crate) const ORDINALS: &[&str] = &[
    "الاول", "الاولى", "الثالث", "الثالثة", "الرابع", "الرابعة", "الخامس", "الخامسة", "الاخير",
    "الاخيرة", "السابق", "السابقة", "المقبل", "المقبلة", "القادم", "القادمة",
];

/// Particles that open a sentence before a subject and are not verbs (`لكن التحديات`).
///
/// Read by `quality::source_fragments`.
#[rustfmt::skip]
pub(crate) const PARTICLES: &[&str] = &[
    "لكن", "بل", "قد", "لقد", "لم", "لن", "هل", "ليت", "لعل", "ان", "اذ", "اذا", "لو", "ثم",
    "كما", "بينما", "حيث", "منذ",
];

/// Quantity nouns in `ات` that take a masculine verb (`يحتفل العشرات`).
///
/// Read by `quality::source_fragments`.
#[rustfmt::skip]
pub(crate) const QUANTITIES: &[&str] = &[
    "العشرات", "المئات", "الالاف", "الملايين", "المليارات",
];

/// Sentence-initial nouns that head a construct state with a plural (`عدد الهجمات`,
/// `رئيس الولايات المتحدة`): not verbs.
///
/// Read by `quality::source_fragments`.
#[rustfmt::skip]
pub(crate) const CONSTRUCT_HEADS: &[&str] = &[
    "عدد", "رئيس", "وزير", "نائب", "قائد", "مدير", "اغلب", "معظم", "اكثر", "اقل", "احد", "نصف",
    "ثلث", "ربع", "حجم", "نوع", "اسم", "اهم", "اول", "اخر", "عام", "شهر", "يوم", "اهل", "شعب",
    "جيش", "حزب", "فريق", "امين", "زعيم", "خبير", "عضو", "بعض", "كل", "جميع", "غالب", "سكان",
    "ابناء", "قادة", "اعضاء", "خبراء", "مصدر", "نظام", "فوز", "دور", "حكم", "باب",
];

/// Pronoun suffixes of any word (`كتابهما`, `بيتكم`), longest first (the first that matches
/// is stripped): each is one more English word for the length model.
///
/// Read by `quality::length`.
#[rustfmt::skip]
pub(crate) const PRONOUN_SUFFIXES: &[&str] = &[
    "هما", "كما", "هم", "هن", "كم", "كن", "ها", "نا", "ه", "ك", "ي",
];

/// Nouns Arabic puts before a name that English usually leaves out (`مدينة بول` = `Poole`,
/// `شركة أوبر` = `Uber`, `مقاطعة دورست` = `Dorset`).
///
/// Read by `quality::transliteration`.
#[rustfmt::skip]
pub(crate) const CLASSIFIERS: &[&str] = &[
    "مدينة", "مقاطعة", "شركة", "بلدة", "إقليم", "محافظة", "ولاية",
];

/// Singular counted nouns (time, measures, money, times): `درجة ونصف` is 1.5 degrees, and
/// their duals (`شهرين`, `درجتين`) are 2.
///
/// Read by `quality::numbers::words`.
#[rustfmt::skip]
pub(crate) const COUNTED_NOUNS: &[&str] = &[
    "عام", "سنة", "يوم", "شهر", "اسبوع", "ساعة", "دقيقة", "ثانية", "مرة", "درجة", "قرن", "عقد",
    "نقطة", "ضعف", "دولار", "جنيه", "متر", "كيلومتر", "ميل", "كيلوغرام", "طن", "لتر", "hour",
    "year", "day", "week", "month", "minute", "degree", "mile", "metre", "meter", "kilometre",
    "kilometer", "point", "dollar", "pound", "century", "decade", "time", "ton", "tonne",
];
