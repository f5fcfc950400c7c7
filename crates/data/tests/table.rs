//! CSV → table: detection, kinds, statistics and the messages for bad files.
use webgrad_data::table::{read_csv, ColumnKind, CsvOptions, Values};

fn read(text: &[u8]) -> webgrad_data::table::Table {
    read_csv(text, &CsvOptions::default()).unwrap()
}
fn error(text: &[u8]) -> String {
    read_csv(text, &CsvOptions::default()).unwrap_err().to_string()
}

#[test]
fn reads_kinds_and_statistics() {
    let t = read(b"age,income,member,city,note\n30,1200.5,yes,Paris,a\n45,,no,Lyon,b\nNA,800,Yes,Paris,c\n25,950.25,no,Paris,d\n");
    assert_eq!((t.num_rows, t.delimiter, t.has_header), (4, b',', true));
    let kinds: Vec<_> = t.columns.iter().map(|c| (c.name.as_str(), c.kind)).collect();
    assert_eq!(kinds, [("age", ColumnKind::Integer), ("income", ColumnKind::Number), ("member", ColumnKind::Boolean), ("city", ColumnKind::Category), ("note", ColumnKind::Text)]);
    let age = t.column("age").unwrap();
    assert_eq!(age.values, Values::Numeric(vec![Some(30.), Some(45.), None, Some(25.)]));
    assert_eq!((age.stats.count, age.stats.missing, age.stats.unique), (3, 1, 3));
    assert!((age.stats.mean.unwrap() - 100. / 3.).abs() < 1e-12);
    // Sample standard deviation, as pandas' describe: sqrt(((30-m)² + (45-m)² + (25-m)²) / 2).
    assert!((age.stats.std.unwrap() - 10.408329997330664).abs() < 1e-12);
    assert_eq!((age.stats.min, age.stats.max), (Some(25.), Some(45.)));
    let member = t.column("member").unwrap();
    assert_eq!(member.values, Values::Numeric(vec![Some(1.), Some(0.), Some(1.), Some(0.)]));
    let city = t.column("city").unwrap();
    assert_eq!(city.stats.top, vec![("Paris".to_string(), 3), ("Lyon".to_string(), 1)]);
    assert_eq!(t.column("income").unwrap().stats.missing, 1);
}

#[test]
fn detects_semicolons_tabs_quotes_bom_crlf_and_missing_headers() {
    let t = read(b"\xEF\xBB\xBFname;\"price; in EUR\"\r\n\"Smith, J.\";\"1,5\"\r\nDoe;2\r\n");
    assert_eq!(t.delimiter, b';');
    assert_eq!(t.columns[0].name, "name");
    assert_eq!(t.columns[1].name, "price; in EUR");
    assert_eq!(t.columns[0].values, Values::Strings(vec![Some("Smith, J.".into()), Some("Doe".into())]));
    // A quote inside an unquoted field is text (5'11" tall).
    assert_eq!(read(b"h,n\n5'11\",1\n6',2\n").columns[0].values, Values::Strings(vec![Some("5'11\"".into()), Some("6'".into())]));
    let t = read(b"a\tb\n1\t2\n3\t4\n");
    assert_eq!((t.delimiter, t.num_rows), (b'\t', 2));
    // A first row of numbers is data: the columns get names.
    let t = read(b"1,2\n3,4\n\n5,6\n");
    assert!(!t.has_header);
    assert_eq!(t.num_rows, 3);
    assert_eq!(t.columns[1].name, "column_2");
    // Given options win over detection.
    let t = read_csv(b"1,2\n3,4\n", &CsvOptions { header: Some(true), ..Default::default() }).unwrap();
    assert_eq!((t.columns[0].name.as_str(), t.num_rows), ("1", 1));
}

#[test]
fn a_mostly_numeric_column_names_the_cells_that_are_not() {
    let mut csv = String::from("x,y\n");
    for i in 0..30 {
        csv += &format!("{i},{}\n", if i == 7 { "abc".to_string() } else { (i * 2).to_string() });
    }
    let t = read(csv.as_bytes());
    let y = t.column("y").unwrap();
    assert_eq!(y.kind, ColumnKind::Text);
    assert_eq!(y.problems, vec!["line 9: \"abc\" is not a number"]);
    assert!(t.column("x").unwrap().problems.is_empty());
    // Found by the fuzzer: a number beyond float32 would become infinity in a tensor.
    let mut csv = String::from("x\n");
    for i in 0..20 {
        csv += &format!("{}\n", if i == 4 { "1e39".to_string() } else { i.to_string() });
    }
    let x = read(csv.as_bytes());
    assert_eq!(x.columns[0].problems, vec!["line 6: \"1e39\" is beyond the float32 range (±3.4e38)"]);
}

#[test]
fn bad_files_name_the_line_and_column() {
    assert_eq!(error(b""), "data: CSV: the file is empty");
    assert_eq!(error(b" \n\r\n"), "data: CSV: the file is empty");
    assert_eq!(error(b"a,b,c\n"), "data: CSV: the file has a header (3 columns) but no rows of data");
    assert!(error(b"a,b\n1,2\n3\n").contains("line 3 has 1 fields, the first line has 2"), "{}", error(b"a,b\n1,2\n3\n"));
    assert_eq!(error(b"a,b\n1,\"2\n3,4\n"), "data: CSV: a quote opened in the record on line 2 is never closed");
    assert_eq!(error(b"a,b\n1,\xff\xfe\n"), "data: CSV: line 2, column 2: not UTF-8 text (byte 1 of the field); save the file as UTF-8");
    assert_eq!(error(b"a,b,a\n1,2,3\n"), "data: CSV: columns 1 and 3 are both named \"a\"; rename one");
    let big = vec![b'1'; webgrad_data::table::MAX_CSV_BYTES + 1];
    assert!(error(&big).contains("the most that can be read is 256 MiB"));
}

mod encoding {
    use webgrad_data::encode::{encode, EncodeOptions, Impute, Task};
    use webgrad_data::prep::stratified_split_indices;
    use webgrad_data::table::{read_csv, CsvOptions};
    use webgrad_data::Labels;

    const CSV: &[u8] = b"age,city,member,note,label\n30,Paris,yes,a,good\n,Lyon,no,b,bad\n50,Paris,,c,good\n40,,no,d,bad\n20,Lyon,yes,e,\n";

    #[test]
    fn target_features_impute_and_one_hot() {
        let t = read_csv(CSV, &CsvOptions::default()).unwrap();
        let e = encode(&t, &EncodeOptions::new("label")).unwrap();
        assert_eq!(e.task, Task::Classification);
        assert_eq!(e.classes, ["bad", "good"]);
        assert_eq!(e.feature_names, ["age", "city=Lyon", "city=Paris", "member"]);
        assert_eq!(e.dataset.labels, Labels::Classes { labels: vec![1, 0, 1, 0], num_classes: 2 });
        // Row 2's age is the mean of 30, 50, 40 over the rows with a target; row 4's city the
        // most frequent there (Paris); row 3's member the mean of yes, no, no (1/3).
        let x = &e.dataset.features;
        assert_eq!(x.len(), 4 * 4);
        assert_eq!(&x[0..4], &[30., 0., 1., 1.]);
        assert_eq!(&x[4..8], &[40., 1., 0., 0.]);
        assert_eq!(&x[8..11], &[50., 0., 1.]);
        assert!((x[11] - 1. / 3.).abs() < 1e-6);
        assert_eq!(&x[12..15], &[40., 0., 1.]);
        assert!(e.notes.iter().any(|n| n.contains("\"note\" left out: free text")), "{:?}", e.notes);
        assert!(e.notes.iter().any(|n| n.contains("1 rows without a target")), "{:?}", e.notes);
        // Dropping rows instead, and the median.
        let d = encode(&t, &EncodeOptions { impute: Impute::Drop, features: Some(vec!["city".into()]), ..EncodeOptions::new("label") }).unwrap();
        assert_eq!(d.dataset.labels, Labels::Classes { labels: vec![1, 0, 1], num_classes: 2 });
        assert!(d.notes.iter().any(|n| n.contains("1 rows with a missing feature dropped")), "{:?}", d.notes);
        let m = encode(&t, &EncodeOptions { impute: Impute::Median, features: Some(vec!["age".into()]), ..EncodeOptions::new("label") }).unwrap();
        assert_eq!(m.dataset.features, [30., 40., 50., 40.]);
        // A few distinct integers are taken for classes (as scikit-learn's type_of_target does);
        // regression when asked for.
        assert_eq!(encode(&t, &EncodeOptions::new("age")).unwrap().task, Task::Classification);
        let r = encode(&t, &EncodeOptions { impute: Impute::Constant(0.), task: Some(Task::Regression), ..EncodeOptions::new("age") }).unwrap();
        assert_eq!(r.task, Task::Regression);
        assert_eq!(r.dataset.labels, Labels::Values { values: vec![30., 50., 40., 20.], width: 1 });
        assert!(r.feature_names.contains(&"city=missing".to_string()), "{:?}", r.feature_names);
    }

    #[test]
    fn bad_choices_say_what_is_wrong() {
        let t = read_csv(CSV, &CsvOptions::default()).unwrap();
        let err = |o: EncodeOptions| encode(&t, &o).unwrap_err().to_string();
        assert_eq!(err(EncodeOptions::new("price")), "data: no column named \"price\" (the columns are age, city, member, note, label)");
        assert!(err(EncodeOptions { features: Some(vec!["note".into()]), ..EncodeOptions::new("label") }).contains("\"note\" is free text"));
        assert!(err(EncodeOptions { task: Some(Task::Regression), ..EncodeOptions::new("city") }).contains("not numbers"));
        let one = read_csv(b"x,y\n1,a\n2,a\n", &CsvOptions::default()).unwrap();
        assert!(encode(&one, &EncodeOptions::new("y")).unwrap_err().to_string().contains("one class only (\"a\")"));
        let mut typo = String::from("x,y\n");
        for i in 0..20 {
            typo += &format!("{},{i}\n", if i == 3 { "1,5".replace(',', ".") + "x" } else { i.to_string() });
        }
        let typo = read_csv(typo.as_bytes(), &CsvOptions::default()).unwrap();
        assert!(encode(&typo, &EncodeOptions::new("y")).unwrap_err().to_string().contains("line 5: \"1.5x\" is not a number"));
    }

    #[test]
    fn stratified_splits_keep_each_class_share() {
        let labels: Vec<i32> = (0..100).map(|i| if i < 90 { 0 } else { 1 }).collect();
        let (train, test) = stratified_split_indices(&labels, 0.2, 7).unwrap();
        assert_eq!((train.len(), test.len()), (80, 20));
        assert_eq!(test.iter().filter(|&&i| labels[i] == 1).count(), 2);
        let mut all: Vec<usize> = train.iter().chain(&test).copied().collect();
        all.sort();
        assert_eq!(all, (0..100).collect::<Vec<_>>());
        assert_eq!(stratified_split_indices(&labels, 0.2, 7).unwrap(), (train, test));
    }
}

#[test]
fn classes_mixing_numbers_and_text_sort_numbers_first() {
    // Found by the csv fuzz target: a comparison mixing numeric and text order is not total.
    use webgrad_data::encode::{encode, EncodeOptions};
    let mut csv = String::from("x,y\n");
    for (i, y) in ["10", "b", "2", "a", "1e1", "B", "-3", "nan", "10", "2"].iter().enumerate() {
        csv += &format!("{i},{y}\n");
    }
    let t = read_csv(csv.as_bytes(), &CsvOptions::default()).unwrap();
    let e = encode(&t, &EncodeOptions::new("y")).unwrap();
    // "nan" is a missing cell (its row is dropped); 10 and 1e1 are equal numbers, kept apart.
    assert_eq!(e.classes, ["-3", "2", "10", "1e1", "B", "a", "b"]);
}

#[test]
fn progress_rises_to_one_while_a_big_file_is_read() {
    let mut text = String::from("a,b\n");
    for i in 0..40_000 {
        text.push_str(&format!("{i},{}\n", i % 7));
    }
    let mut seen = Vec::new();
    let t = webgrad_data::table::read_csv_with_progress(text.as_bytes(), &Default::default(), &mut |f| seen.push(f)).unwrap();
    assert_eq!(t.num_rows, 40_000);
    assert!(seen.len() >= 6, "{seen:?}");
    assert!(seen.windows(2).all(|w| w[0] <= w[1]), "{seen:?}");
    assert_eq!(*seen.last().unwrap(), 1.0);
}

#[test]
fn scaling_and_ordinal_codes_in_encode() {
    use webgrad_data::encode::{encode, EncodeOptions, Scale};
    let t = webgrad_data::table::read_csv(b"x,c,y\n1,red,a\n2,blue,b\n3,red,a\n4,green,b\n5,blue,a\n6,red,b\n", &Default::default()).unwrap();
    let mut o = EncodeOptions::new("y");
    o.scale = Scale::Standard;
    o.one_hot = false;
    let e = encode(&t, &o).unwrap();
    assert_eq!(e.feature_names, ["x", "c"]);
    let x: Vec<f32> = e.dataset.features.iter().step_by(2).copied().collect();
    let sd = (35.0f32 / 12.0).sqrt();
    for (got, want) in x.iter().zip([-2.5 / sd, -1.5 / sd, -0.5 / sd, 0.5 / sd, 1.5 / sd, 2.5 / sd]) {
        assert!((got - want).abs() < 1e-6, "{x:?}");
    }
    let codes: Vec<f32> = e.dataset.features.iter().skip(1).step_by(2).copied().collect();
    assert_eq!(codes, [2.0, 0.0, 2.0, 1.0, 0.0, 2.0]); // blue, green, red
    o.scale = Scale::MinMax;
    o.one_hot = true;
    let e = encode(&t, &o).unwrap();
    assert_eq!(e.feature_names, ["x", "c=blue", "c=green", "c=red"]);
    assert_eq!(&e.dataset.features[..4], &[0.0, 0.0, 0.0, 1.0]);
    assert_eq!(e.dataset.features[20], 1.0); // the last x, min-max scaled
}
