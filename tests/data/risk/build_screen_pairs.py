#!/usr/bin/env python3
"""Build tests/data/risk/screen_pairs.tsv, szfin's labelled name-pair set.

The labels come from how each pair is made, never from szfin's matcher:
a person is a surname and a one- or two-character given name, written in
the ways public naming conventions write the same person:
  - simplified Han and traditional Han (the standard character pairs);
  - Hanyu Pinyin, family name first ("Zhang Weihua") or last ("Weihua
    Zhang"), upper-case family name, given syllables split ("Wei Hua");
  - the surname in another romanization in common use: Hong Kong
    government Cantonese (Chan, Wong, Cheung, Lau, Kwok ...), Wade-Giles
    (Chang, Hsu, Tsai ...), Southeast Asian Hokkien (Tan, Lim, Goh ...);
  - a pinyin spelling with one adjacent-letter transposition (a typing slip).
Pairs of two such writings of one person are labelled 1. Pairs of two
different people are labelled 0: same surname with another given name
(hard), another surname with the same given name (hard), or unrelated.
Deterministic: random.Random(20261202).
Columns: label, name_a, name_b, how.
"""
import random
import sys

# (simplified, traditional, pinyin, [other romanizations of the surname])
SURNAMES = [
    ("陈", "陳", "Chen", ["Chan", "Tan"]), ("黄", "黃", "Huang", ["Wong", "Ng"]),
    ("张", "張", "Zhang", ["Cheung", "Chang"]), ("王", "王", "Wang", ["Wong", "Ong"]),
    ("李", "李", "Li", ["Lee"]), ("刘", "劉", "Liu", ["Lau"]), ("林", "林", "Lin", ["Lam", "Lim"]),
    ("吴", "吳", "Wu", ["Ng", "Goh"]), ("周", "周", "Zhou", ["Chow", "Chau"]), ("何", "何", "He", ["Ho"]),
    ("郭", "郭", "Guo", ["Kwok", "Kuo"]), ("梁", "梁", "Liang", ["Leung"]), ("罗", "羅", "Luo", ["Law", "Lo"]),
    ("郑", "鄭", "Zheng", ["Cheng"]), ("谢", "謝", "Xie", ["Tse", "Hsieh"]), ("邓", "鄧", "Deng", ["Tang"]),
    ("许", "許", "Xu", ["Hui", "Hsu"]), ("冯", "馮", "Feng", ["Fung"]), ("曾", "曾", "Zeng", ["Tsang"]),
    ("蔡", "蔡", "Cai", ["Choi", "Tsai"]), ("叶", "葉", "Ye", ["Yip", "Yeh"]), ("杨", "楊", "Yang", ["Yeung"]),
    ("朱", "朱", "Zhu", ["Chu"]), ("高", "高", "Gao", ["Ko"]), ("孙", "孫", "Sun", ["Suen"]),
    ("宋", "宋", "Song", ["Sung"]), ("马", "馬", "Ma", []), ("胡", "胡", "Hu", ["Wu"]),
]
# (simplified, traditional, pinyin) of common given-name characters
GIVEN = [
    ("伟", "偉", "wei"), ("华", "華", "hua"), ("国", "國", "guo"), ("明", "明", "ming"), ("丽", "麗", "li"),
    ("军", "軍", "jun"), ("红", "紅", "hong"), ("龙", "龍", "long"), ("东", "東", "dong"), ("强", "強", "qiang"),
    ("建", "建", "jian"), ("文", "文", "wen"), ("志", "志", "zhi"), ("海", "海", "hai"), ("平", "平", "ping"),
    ("芳", "芳", "fang"), ("静", "靜", "jing"), ("玲", "玲", "ling"), ("杰", "傑", "jie"), ("涛", "濤", "tao"),
    ("辉", "輝", "hui"), ("敏", "敏", "min"), ("鹏", "鵬", "peng"), ("飞", "飛", "fei"), ("兰", "蘭", "lan"),
    ("云", "雲", "yun"), ("宝", "寶", "bao"), ("金", "金", "jin"), ("春", "春", "chun"), ("秀", "秀", "xiu"),
    ("婷", "婷", "ting"), ("磊", "磊", "lei"), ("斌", "斌", "bin"), ("鑫", "鑫", "xin"), ("艳", "艷", "yan"),
    ("霞", "霞", "xia"), ("刚", "剛", "gang"), ("勇", "勇", "yong"), ("峰", "峰", "feng"), ("波", "波", "bo"),
]


def person(rng):
    s = rng.choice(SURNAMES)
    g = rng.sample(GIVEN, rng.choice([1, 2, 2, 2]))
    return s, g


def simp(p):
    return p[0][0] + "".join(c[0] for c in p[1])


def trad(p):
    return p[0][1] + "".join(c[1] for c in p[1])


def given_pinyin(p):
    return "".join(c[2] for c in p[1])


def pinyin(p, style):
    s, g = p[0][2], given_pinyin(p).capitalize()
    if style == 0:
        return f"{s} {g}"
    if style == 1:
        return f"{g} {s}"
    if style == 2:
        return f"{s.upper()} {g}"
    return s + " " + " ".join(c[2].capitalize() for c in p[1])


def typo(text, rng):
    letters = [i for i in range(len(text) - 1) if text[i].isalpha() and text[i + 1].isalpha() and text[i] != text[i + 1]]
    i = rng.choice(letters[1:] or letters)
    return text[:i] + text[i + 1] + text[i] + text[i + 2:]


def match_pair(rng):
    p = person(rng)
    how = rng.choice(["simp-trad", "han-pinyin", "trad-pinyin", "pinyin-variant", "pinyin-typo", "han-split"])
    if how == "simp-trad":
        return simp(p), trad(p), how
    if how == "han-pinyin":
        return simp(p), pinyin(p, rng.choice([0, 1, 2])), how
    if how == "trad-pinyin":
        return trad(p), pinyin(p, rng.choice([0, 1])), how
    if how == "han-split":
        return simp(p), pinyin(p, 3), how
    if how == "pinyin-variant" and p[0][3]:
        return pinyin(p, 0), rng.choice(p[0][3]) + " " + given_pinyin(p).capitalize(), how
    return pinyin(p, 0), typo(pinyin(p, 0), rng), "pinyin-typo"


def other_given(p, rng):
    while True:
        q = (p[0], rng.sample(GIVEN, len(p[1])))
        if all(a[2] != b[2] for a, b in zip(p[1], q[1])) or len(p[1]) == 2 and q[1][0] == p[1][0] and q[1][1] != p[1][1]:
            return q


def nonmatch_pair(rng):
    p = person(rng)
    how = rng.choice(["same-surname", "same-given", "unrelated"])
    if how == "same-surname":
        q = other_given(p, rng)
    elif how == "same-given":
        q = (rng.choice([s for s in SURNAMES if s[2] != p[0][2] and p[0][2] not in s[3] and s[2] not in p[0][3]]), p[1])
    else:
        q = person(rng)
        if q[0][2] == p[0][2] or given_pinyin(q) == given_pinyin(p):
            return nonmatch_pair(rng)
    write = rng.choice([lambda x: simp(x), lambda x: trad(x), lambda x: pinyin(x, 0)])
    write_b = rng.choice([lambda x: simp(x), lambda x: pinyin(x, rng.choice([0, 1]))])
    return write(p), write_b(q), how


def main():
    rng = random.Random(20261202)
    rows = set()
    while len(rows) < 640:
        label = 1 if len(rows) % 2 == 0 else 0
        a, b, how = match_pair(rng) if label else nonmatch_pair(rng)
        if a != b:
            rows.add((label, a, b, how))
    out = sys.stdout
    out.write("# szfin labelled name pairs: built by tests/data/risk/build_screen_pairs.py (see its header)\n")
    out.write("# label\tname_a\tname_b\thow\n")
    for label, a, b, how in sorted(rows, key=lambda r: (-r[0], r[3], r[1], r[2])):
        out.write(f"{label}\t{a}\t{b}\t{how}\n")


if __name__ == "__main__":
    main()
