"""Reading scoring data: CSV with either separator and a BOM, Weka ARFF with `?`, the bad class, clear errors."""

import math

import numpy as np
import pytest

from creditdesk.assessment.scoring.data import load_dataset

ARFF = """% a comment
@relation 'firms'
@attribute Attr1 numeric
@attribute 'sector name' {retail,'heavy industry'}
@attribute Attr3 REAL
@attribute class {0,1}

@data
0.5,retail,1e3,0
?,'heavy industry',-2.5,1
0.25,?,?,0
% trailing comment
1.5,retail,7,0
"""


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


def test_arff_numeric_nominal_and_missing(tmp_path):
    data = load_dataset(write(tmp_path, "firms.arff", ARFF), "class")
    assert list(data.X.columns) == ["Attr1", "sector name", "Attr3"]
    assert data.X["Attr1"].dtype == np.float64
    assert math.isnan(data.X.loc[1, "Attr1"])
    assert data.X.loc[1, "sector name"] == "heavy industry"
    assert data.X.loc[2, "sector name"] is None
    assert data.X.loc[0, "Attr3"] == 1000.0
    assert data.y.tolist() == [0, 1, 0, 0]
    assert (data.bad, data.good, data.rows, data.positives) == ("1", "0", 4, 1)


def test_semicolon_csv_with_bom_and_explicit_bad(tmp_path):
    text = "ratio;sector;status\n0,5;retail;good\n1,25;;bad\n-2;mining;bad\n"
    data = load_dataset(write(tmp_path, "firms.csv", text, encoding="utf-8-sig"), "status", bad="good")
    assert list(data.X.columns) == ["ratio", "sector"]
    assert data.X["ratio"].tolist() == [0.5, 1.25, -2.0]
    assert data.X["sector"].isna().tolist() == [False, True, False]
    assert data.y.tolist() == [1, 0, 0]
    assert (data.bad, data.good) == ("good", "bad")


def test_minority_class_is_bad_and_numeric_labels_match(tmp_path):
    text = "x,default\n1,0\n2,0\n3,1\n4,0\n5,\n"
    data = load_dataset(write(tmp_path, "loans.csv", text), "default")
    assert data.bad == "1"
    assert data.y.tolist() == [0, 0, 1, 0]
    assert load_dataset(tmp_path / "loans.csv", "default", bad="0").y.tolist() == [1, 1, 0, 1]


def test_a_tie_makes_the_later_label_bad(tmp_path):
    data = load_dataset(write(tmp_path, "tie.csv", "x,status\n1,no\n2,yes\n"), "status")
    assert data.bad == "yes"


@pytest.mark.parametrize(
    ("name", "text", "target", "bad", "message"),
    [
        ("empty.csv", "", "y", None, "data file is empty"),
        ("header.csv", "x,y\n", "y", None, "no data rows"),
        ("a.csv", "x,y\n1,0\n2,1\n", "status", None, "target column 'status' not found; columns are: x, y"),
        ("b.csv", "x,y\n1,a\n2,b\n3,c\n", "y", None, "exactly 2 classes, found 3: a, b, c"),
        ("c.csv", "x,y\n1,a\n2,a\n", "y", None, "exactly 2 classes, found 1: a"),
        ("d.csv", "x,y\n1,a\n2,b\n", "y", "c", "bad value 'c' is not a class of 'y'; classes are: a, b"),
        ("e.arff", "@relation r\n@attribute d date\n@data\n", "d", None, "unsupported type 'date'"),
        ("f.arff", "@relation r\n@attribute x numeric\n@attribute y {0,1}\n@data\n1,0,3\n", "y", None,
         "row 1 has 3 values, expected 2"),
        ("g.arff", "@relation r\n@attribute x numeric\n@data\n{0 1}\n", "x", None, "sparse ARFF"),
        ("h.arff", "@relation r\n@attribute x numeric\n@attribute y {0,1}\n@data\n1,0\nlots,1\n", "y", None,
         "attribute 'x' is numeric but holds 'lots'"),
    ],
)
def test_readable_errors(tmp_path, name, text, target, bad, message):
    with pytest.raises(ValueError, match=message.replace("(", "\\(").replace(")", "\\)")):
        load_dataset(write(tmp_path, name, text), target, bad)


def test_missing_file(tmp_path):
    with pytest.raises(ValueError, match="data file not found"):
        load_dataset(tmp_path / "nowhere.csv", "y")


def test_file_in_another_encoding(tmp_path):
    path = tmp_path / "gbk.csv"
    path.write_bytes("名称,违约\n甲,1\n乙,0\n".encode("gbk"))
    with pytest.raises(ValueError, match="not UTF-8 text"):
        load_dataset(path, "违约")
