/* kbtool patient-site search: the engine (no DOM). Runs in the reader's browser over the index
 * that `kbtool build` writes (search/patient-index.json; kbtool/publish/sitesearch/index.py
 * describes it) and in Node for the tests and benchmarks. No network, no third-party code.
 *
 * A query is cut the way the index was: Chinese runs into the index's own words (the most
 * probable path, as jieba does, weighed by jieba's counts), other text into words. Each query
 * word then stands for a few index words: itself; for English its stem group, the word being
 * typed as a prefix, or its spelling at edit distance 1 (2 for long words); for pinyin or a
 * homophone typo, the name words that sound the same (gongwaiyun, 宫外运 -> 宫外孕); for
 * initials, the name words with those initials (gwy); a lone character that is no word by
 * itself, the words that contain it (n-gram fallback). Every entry's score is the sum over the
 * query words of its best precomputed BM25F impact, scaled by the share of the query's words it
 * matches, with a bonus for entries in the query's language.
 *
 * Loading does little (the index is a few long strings: words are found by binary search);
 * every other lookup is made when a query first needs it and remembered, so the first results
 * come as soon as the file is parsed, on a phone too. */
(function (root, factory) {
  "use strict";
  if (typeof module === "object" && module.exports) {
    module.exports = factory();
  } else {
    root.KbSearch = factory();
  }
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  var ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  var VALUE = new Int8Array(128);
  var IMPACT = new Float64Array(64);
  var HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff";
  var RUNS = new RegExp("([" + HAN + "]+)|([a-z0-9]+)", "g");
  var HAN_ONLY = new RegExp("^[" + HAN + "]+$");
  var LN2 = Math.LN2;
  var MAX_QUERY = 200;
  var MAX_SOUND = 6; /* longest span matched by sound, in syllables */
  var MAX_VARIANTS = 8; /* readings tried per span (polyphonic characters) */
  var PREFIX_TERMS = 24; /* words a half-typed English word may stand for */
  var CONTAINING_TERMS = 30; /* words a lone Chinese character may stand for */
  var FACTOR = {
    single: 0.5, /* a one-character Chinese word: weak evidence */
    prefix: 0.7,
    typo: 0.8,
    sound: 0.9, /* pinyin or a homophone of a name word */
    soundKnown: 0.3, /* ... when what was typed is itself a real word */
    soundEnglish: 0.4, /* ... when it is also an English word */
    initials: 0.6,
    pair: 0.6, /* two characters typed apart that form part of an index word (厉害, 脑袋) */
    containing: 0.3, /* a lone character that is part of an index word (痒 -> 瘙痒) */
  };
  var QUERY_LANGUAGE_BONUS = 1.3;
  var SITE_LANGUAGE_BONUS = 1.05;
  var PARTIAL_FLOOR = 0.4; /* an entry matching few of the words keeps this share of its score */
  var i;
  for (i = 0; i < 128; i++) VALUE[i] = -1;
  for (i = 0; i < 64; i++) {
    VALUE[ALPHABET.charCodeAt(i)] = i;
    IMPACT[i] = (Math.pow(2, i / 8) - 1) / 4;
  }

  function normalize(text) {
    return String(text).normalize("NFKC").toLowerCase();
  }

  /* A light English stemmer: plurals, -ing/-ed, -ly, -ation/-ion, -ment, -ive, British spellings
   * (haem-, oe-, -rrhoea, -our, -ise). It is used on both sides (every English index word is
   * grouped by its stem when the index is loaded), so its only job is to put forms of one word
   * together: hours/hour, opening/open, infections/infected/infection, diarrhoea/diarrhea. */
  var BRITISH = [["rrhoea", "rrhea"], ["haem", "hem"], ["aemia", "emia"], ["paed", "ped"]];

  function ends(word, suffix) {
    return word.length > suffix.length && word.lastIndexOf(suffix) === word.length - suffix.length;
  }

  function vowel(code) {
    return code === 97 || code === 101 || code === 105 || code === 111 || code === 117 || code === 121;
  }

  function stem(word) {
    var w = word, k;
    if (w.length < 4 || !/^[a-z]+$/.test(w)) return w;
    for (k = 0; k < BRITISH.length; k++) {
      if (w.indexOf(BRITISH[k][0]) >= 0) w = w.replace(BRITISH[k][0], BRITISH[k][1]);
    }
    if (w.charCodeAt(0) === 111 && w.charCodeAt(1) === 101) w = w.slice(1); /* oedema */
    if (ends(w, "sses")) w = w.slice(0, -2);
    else if (ends(w, "ies")) w = w.slice(0, -3) + "i";
    else if (ends(w, "ss") || ends(w, "us") || ends(w, "is") || ends(w, "ys")) w = w.slice(0);
    else if (ends(w, "shes") || ends(w, "ches") || ends(w, "xes") || ends(w, "zes")) w = w.slice(0, -2);
    else if (ends(w, "s")) w = w.slice(0, -1);
    if (ends(w, "ied")) {
      w = w.slice(0, -3) + "i";
    } else if (!ends(w, "eed") && (ends(w, "ing") || ends(w, "ed"))) {
      var base = w.slice(0, ends(w, "ing") ? -3 : -2);
      var voiced = false;
      for (k = 0; k < base.length; k++) voiced = voiced || vowel(base.charCodeAt(k));
      if (base.length >= 3 && voiced) {
        w = base;
        var last = w.charCodeAt(w.length - 1);
        if (last === w.charCodeAt(w.length - 2) && !vowel(last) && "lsz".indexOf(w[w.length - 1]) < 0) {
          w = w.slice(0, -1); /* stopped -> stop */
        }
      }
    }
    var suffixes = ["ation", "ment", "ness", "ive", "ly"];
    for (k = 0; k < suffixes.length; k++) {
      if (ends(w, suffixes[k]) && w.length - suffixes[k].length >= 4) {
        w = w.slice(0, -suffixes[k].length);
        break;
      }
    }
    if ((ends(w, "tion") || ends(w, "sion")) && w.length >= 8) w = w.slice(0, -3);
    if (ends(w, "our") && w.length > 4) w = w.slice(0, -3) + "or"; /* colour -> color */
    if (ends(w, "ise")) w = w.slice(0, -3) + "ize";
    if (w.length > 3 && ends(w, "y")) w = w.slice(0, -1) + "i";
    if (w.length > 3 && ends(w, "e")) w = w.slice(0, -1);
    return w;
  }

  /* Pinyin as typed fast: zh/ch/sh = z/c/s, -ing/-eng = -in/-en (as the staff search does). */
  function fuzzy(syllable) {
    var s = syllable.replace(/ü/g, "v").replace(/^([ln])ue$/, "$1ve");
    if (/^[zcs]h/.test(s)) s = s[0] + s.slice(2);
    if (/[ie]ng$/.test(s)) s = s.slice(0, -1);
    return s;
  }

  /* Optimal string alignment distance (a swap of neighbours counts one), giving up above
   * `limit`. Rows are reused: this runs over many index words for one misspelt query word. */
  var ROWS = [new Int32Array(64), new Int32Array(64), new Int32Array(64)];

  function distance(a, b, limit) {
    var m = a.length, n = b.length, x, y;
    if (Math.abs(m - n) > limit) return limit + 1;
    if (n >= 63) return a === b ? 0 : limit + 1;
    var before = ROWS[0], prev = ROWS[1], row = ROWS[2];
    for (y = 0; y <= n; y++) prev[y] = y;
    for (x = 1; x <= m; x++) {
      row[0] = x;
      var low = x;
      for (y = 1; y <= n; y++) {
        var value = Math.min(prev[y] + 1, row[y - 1] + 1, prev[y - 1] + (a[x - 1] === b[y - 1] ? 0 : 1));
        if (x > 1 && y > 1 && a[x - 1] === b[y - 2] && a[x - 2] === b[y - 1]) {
          value = Math.min(value, before[y - 2] + 1);
        }
        row[y] = value;
        if (value < low) low = value;
      }
      if (low > limit) return limit + 1;
      var spare = before;
      before = prev;
      prev = row;
      row = spare;
    }
    return prev[n];
  }

  function product(lists, limit) {
    var out = [[]];
    for (var k = 0; k < lists.length; k++) {
      var next = [];
      for (var a = 0; a < out.length && next.length < limit; a++) {
        for (var b = 0; b < lists[k].length && next.length < limit; b++) {
          next.push(out[a].concat([lists[k][b]]));
        }
      }
      out = next;
    }
    return out;
  }

  function push(map, key, value) {
    var list = map.get(key);
    if (!list) map.set(key, [value]);
    else if (list[list.length - 1] !== value) list.push(value);
  }

  function readVarints(text, count) {
    var out = new Int32Array(count), at = 0;
    for (var k = 0; k < count; k++) {
      var value = 0, shift = 0, digit;
      do {
        digit = VALUE[text.charCodeAt(at++)];
        value += (digit & 31) * Math.pow(2, shift);
        shift += 5;
      } while (digit & 32);
      out[k] = value;
    }
    return out;
  }

  function Index(data) {
    if (!data || data.version !== 1) throw new Error("unsupported search index");
    this.docs = data.docs;
    this.logTotal = Math.log(data.total || 1);
    this.text = data.terms || "";
    this.words = this.text ? this.text.split("\n") : [];
    this.classes = data.classes;
    this.names = data.names;
    this.packed = data.postings;
    var count = this.words.length, lengths = readVarints(data.lengths, count), k;
    this.offsets = new Int32Array(count + 1);
    this.starts = new Int32Array(count + 1); /* where each word starts in `text` */
    for (k = 0; k < count; k++) {
      this.offsets[k + 1] = this.offsets[k] + lengths[k];
      this.starts[k + 1] = this.starts[k] + this.words[k].length + 1;
    }
    /* sorted as strings: English words and numbers first, then Chinese words */
    this.latinEnd = lowerBound(this.words, "\u3400");
    this.latin = this.words.slice(0, this.latinEnd);
    this.maxWord = data.longest || 1;
    this.stop = new Map();
    this.cache = new Map();
    this.readings = new Map(); /* character -> its readings, main one first */
    this.bySound = new Map(); /* folded syllable -> characters read so */
    this.byLetter = new Map(); /* first letter -> characters whose reading starts with it */
    this.syllables = new Set();
    this.longestSyllable = 1;
    this.memo = { stems: new Map(), sounds: new Map(), letters: new Map(), chars: new Map(),
      pairs: new Map(), keys: new Map() };
    for (var word in data.stop) {
      if (!Object.prototype.hasOwnProperty.call(data.stop, word)) continue;
      this.stop.set(word, VALUE[data.stop[word].charCodeAt(0)]);
      if (HAN_ONLY.test(word) && word.length > this.maxWord) this.maxWord = word.length;
    }
    var groups = ["p", "s"];
    for (var g = 0; g < groups.length; g++) {
      var table = (data.readings || {})[groups[g]] || {};
      for (var syllable in table) {
        if (!Object.prototype.hasOwnProperty.call(table, syllable)) continue;
        this.syllables.add(syllable);
        if (syllable.length > this.longestSyllable) this.longestSyllable = syllable.length;
        var chars = table[syllable];
        for (var c = 0; c < chars.length; c++) {
          push(this.readings, chars[c], syllable);
          push(this.bySound, fuzzy(syllable), chars[c]);
          push(this.byLetter, syllable[0], chars[c]);
        }
      }
    }
  }

  /* The position of a word in the index, or -1 (binary search). */
  Index.prototype.find = function (word) {
    var at = lowerBound(this.words, word);
    return at < this.words.length && this.words[at] === word ? at : -1;
  };

  Index.prototype.has = function (word) {
    return this.find(word) >= 0;
  };

  Index.prototype.isName = function (position) {
    return (VALUE[this.names.charCodeAt(position)] & 1) === 1;
  };

  /* Positions [from, to) of the words that start with `prefix`. */
  Index.prototype.range = function (prefix, from, to) {
    var words = this.words, low = from, high = to;
    while (low < high) {
      var mid = (low + high) >> 1;
      if (words[mid] < prefix) low = mid + 1;
      else high = mid;
    }
    var first = low;
    high = to;
    while (low < high) {
      mid = (low + high) >> 1;
      if (words[mid].slice(0, prefix.length) <= prefix) low = mid + 1;
      else high = mid;
    }
    return [first, low];
  };

  /* English index words with the same stem as `word` (opening -> open, opened, opening). They
   * share its first two letters, or the stem's, or a British spelling's (haem-, oe-, pae-). */
  Index.prototype.stemGroup = function (word) {
    var key = stem(word), found = this.memo.stems.get(key);
    if (found) return found;
    found = [];
    var heads = [word.slice(0, 2), key.slice(0, 2)];
    if (key[0] === "e") heads.push("o" + key[0]);
    if (key.slice(0, 2) === "he") heads.push("ha");
    if (key.slice(0, 2) === "pe") heads.push("pa");
    var seen = {};
    for (var h = 0; h < heads.length; h++) {
      if (seen[heads[h]]) continue;
      seen[heads[h]] = true;
      var span = this.range(heads[h], 0, this.latinEnd);
      for (var k = span[0]; k < span[1]; k++) {
        if (stem(this.words[k]) === key) found.push(this.words[k]);
      }
    }
    this.memo.stems.set(key, found);
    return found;
  };

  /* A name word's sound: [folded pinyin keys, initials], a few spellings for polyphonic
   * characters (血 xue/xie); null when a character has no reading. */
  Index.prototype.wordSound = function (position) {
    var found = this.memo.keys.get(position);
    if (found !== undefined) return found;
    var word = this.words[position], keys = [""], letters = [""];
    for (var c = 0; c < word.length; c++) {
      var readings = this.readings.get(word[c]);
      if (!readings) {
        this.memo.keys.set(position, null);
        return null;
      }
      var count = keys.length;
      if (readings.length > 1 && count < 4) {
        for (var v = 0; v < count; v++) {
          keys.push(keys[v] + fuzzy(readings[1]));
          letters.push(letters[v] + readings[1][0]);
        }
      }
      for (var w = 0; w < count; w++) {
        keys[w] += fuzzy(readings[0]);
        letters[w] += readings[0][0];
      }
    }
    found = [keys, letters];
    this.memo.keys.set(position, found);
    return found;
  };

  /* Name words of `size` characters whose first character is one of `chars` and whose sound
   * (`which` 0: pinyin key, 1: initials) is `key`. */
  Index.prototype.soundLike = function (chars, size, key, which) {
    var found = [];
    for (var c = 0; c < chars.length; c++) {
      var span = this.range(chars[c], this.latinEnd, this.words.length);
      for (var k = span[0]; k < span[1]; k++) {
        if (this.words[k].length !== size || !this.isName(k)) continue;
        var sound = this.wordSound(k);
        if (sound && sound[which].indexOf(key) >= 0 && found.indexOf(this.words[k]) < 0) {
          found.push(this.words[k]);
        }
      }
    }
    return found;
  };

  /* Name words that sound like these syllables (宫外孕 for gong wai yun). */
  Index.prototype.sounds = function (syllables) {
    var key = syllables.map(fuzzy).join(""), memo = key + "/" + syllables.length;
    var found = this.memo.sounds.get(memo);
    if (!found) {
      found = this.soundLike(this.bySound.get(fuzzy(syllables[0])) || [], syllables.length, key, 0);
      this.memo.sounds.set(memo, found);
    }
    return found;
  };

  /* Name words with these initials (宫外孕 for gwy). */
  Index.prototype.initials = function (letters) {
    var found = this.memo.letters.get(letters);
    if (!found) {
      found = this.soundLike(this.byLetter.get(letters[0]) || [], letters.length, letters, 1);
      this.memo.letters.set(letters, found);
    }
    return found;
  };

  /* Chinese index words (2 to 6 characters) containing `piece`, shortest and commonest first. */
  Index.prototype.containing = function (piece, limit) {
    var memo = piece + "/" + limit, found = this.memo.chars.get(memo);
    if (found) return found;
    var text = this.text, hits = [], at = this.starts[this.latinEnd] - 1;
    while ((at = text.indexOf(piece, at + 1)) >= 0) {
      var position = lowerBound(this.starts, at + 1) - 1;
      var size = this.words[position].length;
      if (size >= 2 && size <= MAX_SOUND && hits[hits.length - 1] !== position) hits.push(position);
    }
    var self = this;
    hits.sort(function (a, b) {
      return self.words[a].length - self.words[b].length ||
        VALUE[self.classes.charCodeAt(b)] - VALUE[self.classes.charCodeAt(a)] || a - b;
    });
    found = hits.slice(0, limit).map(function (position) { return self.words[position]; });
    this.memo.chars.set(memo, found);
    return found;
  };

  Index.prototype.postings = function (word) {
    var found = this.cache.get(word);
    if (found) return found;
    var position = this.find(word);
    if (position < 0) return null;
    var packed = this.packed, at = this.offsets[position], size = this.offsets[position + 1];
    var docs = [], impacts = [], doc = 0;
    while (at < size) {
      var value = 0, shift = 0, digit;
      do {
        digit = VALUE[packed.charCodeAt(at++)];
        value += (digit & 31) * Math.pow(2, shift);
        shift += 5;
      } while (digit & 32);
      doc += value;
      docs.push(doc);
      impacts.push(IMPACT[VALUE[packed.charCodeAt(at++)]]);
    }
    found = { docs: docs, impacts: impacts };
    this.cache.set(word, found);
    return found;
  };

  Index.prototype.logCount = function (word) {
    var position = this.find(word);
    var count = position >= 0 ? VALUE[this.classes.charCodeAt(position)] : this.stop.get(word) || 0;
    return count * LN2 - this.logTotal;
  };

  /* A Chinese run cut into index words: jieba's most probable path over the index's words. */
  Index.prototype.segment = function (run) {
    var size = run.length, score = new Float64Array(size + 1), next = new Int32Array(size + 1);
    for (var start = size - 1; start >= 0; start--) {
      var best = -Infinity, bestEnd = start + 1;
      var last = Math.min(size, start + this.maxWord);
      for (var end = start + 1; end <= last; end++) {
        var word = run.slice(start, end);
        if (end > start + 1 && !this.stop.has(word) && !this.has(word)) continue;
        var value = this.logCount(word) + score[end];
        if (value >= best) {
          best = value;
          bestEnd = end;
        }
      }
      score[start] = best;
      next[start] = bestEnd;
    }
    var words = [];
    for (var at = 0; at < size; at = next[at]) words.push([at, next[at]]);
    return words;
  };

  /* Typed letters as pinyin syllables (fewest syllables), or null. */
  Index.prototype.splitPinyin = function (text) {
    if (!/^[a-z]+$/.test(text)) return null;
    var best = [[]];
    for (var end = 1; end <= text.length; end++) {
      best[end] = null;
      for (var start = Math.max(0, end - this.longestSyllable); start < end; start++) {
        if (best[start] && this.syllables.has(text.slice(start, end))) {
          if (!best[end] || best[start].length + 1 < best[end].length) {
            best[end] = best[start].concat([text.slice(start, end)]);
          }
        }
      }
    }
    return best[text.length];
  };

  function Query(text) {
    this.text = text;
    this.units = [];
    this.lang = null;
  }

  function addAlt(unit, term, factor, kind) {
    var old = unit.alts.get(term);
    if (!old || old.factor < factor) unit.alts.set(term, { factor: factor, kind: kind });
  }

  Index.prototype.analyse = function (raw) {
    var text = normalize(raw).slice(0, MAX_QUERY);
    var typing = !/\s$/.test(raw);
    var query = new Query(text), match;
    RUNS.lastIndex = 0;
    while ((match = RUNS.exec(text))) {
      if (match[1]) {
        var spans = this.segment(match[1]);
        for (var s = 0; s < spans.length; s++) {
          query.units.push(this.unit(match[1].slice(spans[s][0], spans[s][1]), "han",
            match.index + spans[s][0], match.index + spans[s][1]));
        }
      } else {
        query.units.push(this.unit(match[2], "latin", match.index, match.index + match[2].length));
      }
    }
    var units = query.units;
    for (var u = 0; u < units.length; u++) {
      var unit = units[u];
      if (unit.stop) continue;
      if (unit.kind === "han") this.hanWord(unit);
      else this.latinWord(unit, typing && u === units.length - 1 && unit.end === text.length);
    }
    this.charGrams(query);
    this.soundSpans(query);
    query.lang = this.language(query);
    return query;
  };

  Index.prototype.unit = function (text, kind, start, end) {
    var unit = { text: text, kind: kind, start: start, end: end, alts: new Map() };
    unit.stop = this.stop.has(text);
    unit.major = !unit.stop && text.length >= 2 && !/^[0-9]+$/.test(text);
    return unit;
  };

  Index.prototype.hanWord = function (unit) {
    if (this.has(unit.text)) {
      addAlt(unit, unit.text, unit.text.length === 1 ? FACTOR.single : 1, "word");
    }
  };

  Index.prototype.latinWord = function (unit, typing) {
    var text = unit.text, k;
    if (this.has(text)) addAlt(unit, text, 1, "word");
    var group = /^[a-z]+$/.test(text) ? this.stemGroup(text) : null;
    for (k = 0; group && k < group.length; k++) addAlt(unit, group[k], 1, "word");
    if (typing && text.length >= 2) {
      var at = lowerBound(this.latin, text);
      for (k = 0; at < this.latin.length && k < PREFIX_TERMS; at++, k++) {
        if (this.latin[at].slice(0, text.length) !== text) break;
        addAlt(unit, this.latin[at], FACTOR.prefix, "prefix");
      }
    }
    if (!unit.alts.size && text.length >= 4 && /^[a-z]+$/.test(text)) this.spelling(unit);
    unit.english = unit.alts.size > 0;
    if (!unit.english && text.length >= 2 && text.length <= MAX_SOUND && /^[a-z]+$/.test(text) &&
        !this.splitPinyin(text)) {
      var words = this.initials(text);
      for (k = 0; k < words.length; k++) addAlt(unit, words[k], FACTOR.initials, "initials");
    }
  };

  /* English words that match nothing: the closest spellings in the index (edit distance 1,
   * 2 for words of 8 letters or more), the most common few. */
  Index.prototype.spelling = function (unit) {
    var text = unit.text, limit = text.length >= 8 ? 2 : 1, best = limit + 1, found = [], k;
    /* misspellings rarely touch both of the first two letters: words sharing the first letter
     * (a range of the sorted words), and for long words those sharing the second */
    var span = this.range(text[0], 0, this.latinEnd), candidates = [];
    for (k = span[0]; k < span[1]; k++) candidates.push(k);
    if (limit > 1) {
      for (k = 0; k < this.latinEnd; k++) {
        if (this.words[k][1] === text[1] && this.words[k][0] !== text[0]) candidates.push(k);
      }
    }
    for (var c = 0; c < candidates.length; c++) {
      var term = this.words[candidates[c]];
      if (Math.abs(term.length - text.length) > limit) continue;
      var d = distance(text, term, Math.min(limit, best));
      if (d < best) {
        best = d;
        found = [term];
      } else if (d === best && d <= limit) {
        found.push(term);
      }
    }
    var self = this;
    found.sort(function (a, b) {
      return self.postings(b).docs.length - self.postings(a).docs.length || (a < b ? -1 : 1);
    });
    for (k = 0; k < found.length && k < 3; k++) addAlt(unit, found[k], FACTOR.typo, "typo");
  };

  /* The n-gram fallback for characters that are not index words by themselves: two adjacent
   * characters (one of them a lone character) stand for the index words that contain both
   * (厉+害 -> 厉害, 蛋+疼 -> 蛋蛋疼); a lone character, more weakly, for the shortest common
   * words that contain it (痒 -> 瘙痒). */
  Index.prototype.charGrams = function (query) {
    var units = query.units, u, k;
    for (u = 0; u < units.length; u++) {
      var unit = units[u];
      if (unit.kind !== "han" || unit.stop || unit.text.length !== 1) continue;
      var words = this.containing(unit.text, CONTAINING_TERMS);
      for (k = 0; k < words.length; k++) addAlt(unit, words[k], FACTOR.containing, "gram");
    }
    for (u = 0; u + 1 < units.length; u++) {
      var left = units[u], right = units[u + 1];
      if (left.kind !== "han" || right.kind !== "han" || left.end !== right.start) continue;
      if (left.text.length > 1 && right.text.length > 1) continue;
      var list = this.containing(left.text.slice(-1) + right.text[0], Infinity);
      for (k = 0; k < list.length; k++) {
        addAlt(left, list[k], FACTOR.pair, "gram");
        addAlt(right, list[k], FACTOR.pair, "gram");
      }
    }
  };

  /* Spans of the query read as pinyin (Chinese characters by their readings, typed pinyin by
   * its syllables) that sound like a name word: 宫外运, gongwaiyun, zhong er yan, 宫外yun. A span
   * covers whole query words; the word found stands for each of them. */
  Index.prototype.soundSpans = function (query) {
    var slots = [], streams = [slots], units = query.units, u, k;
    for (u = 0; u < units.length; u++) {
      var unit = units[u];
      if (unit.kind === "han") {
        for (k = 0; k < unit.text.length; k++) {
          var readings = this.readings.get(unit.text[k]);
          if (!readings) {
            streams.push(slots = []);
            continue;
          }
          slots.push({ readings: readings.slice(0, 2), unit: u, first: k === 0, last: k === unit.text.length - 1 });
        }
      } else {
        var syllables = this.splitPinyin(unit.text);
        if (!syllables) {
          streams.push(slots = []);
          continue;
        }
        for (k = 0; k < syllables.length; k++) {
          slots.push({ readings: [syllables[k]], unit: u, first: k === 0, last: k === syllables.length - 1 });
        }
      }
    }
    for (var s = 0; s < streams.length; s++) this.soundStream(query, streams[s]);
  };

  Index.prototype.soundStream = function (query, slots) {
    var units = query.units;
    for (var a = 0; a < slots.length; a++) {
      if (!slots[a].first) continue;
      for (var b = a + 1; b < slots.length && b - a < MAX_SOUND; b++) {
        if (!slots[b].last) continue;
        var first = slots[a].unit, last = slots[b].unit, typed = "", known = true, english;
        var content = false;
        for (var u = first; u <= last; u++) {
          typed += units[u].text;
          content = content || !units[u].stop;
          known = known && units[u].kind === "han" && units[u].text.length > 1 && units[u].alts.size > 0;
        }
        if (!content || (HAN_ONLY.test(typed) && this.has(typed))) continue;
        var options = [];
        for (var k = a; k <= b; k++) options.push(slots[k].readings);
        var variants = product(options, MAX_VARIANTS);
        /* one short English word that also sounds like a name (eye: e-ye) is weak evidence */
        english = first === last && units[first].english && b - a < 2;
        var factor = english ? FACTOR.soundEnglish : known ? FACTOR.soundKnown : FACTOR.sound;
        for (var v = 0; v < variants.length; v++) {
          var words = this.sounds(variants[v]);
          for (var w = 0; w < words.length; w++) {
            if (words[w] === typed) continue;
            for (u = first; u <= last; u++) {
              addAlt(units[u], words[w], factor, "sound");
              units[u].sounded = units[u].sounded || !english;
            }
          }
        }
      }
    }
  };

  /* 'zh' for Chinese or pinyin queries, 'en' for English ones, null when nothing is searched. */
  Index.prototype.language = function (query) {
    var content = query.units.filter(function (unit) { return !unit.stop && unit.alts.size; });
    if (!content.length) return null;
    for (var k = 0; k < content.length; k++) {
      if (content[k].kind === "han") return "zh";
    }
    var english = content.some(function (unit) {
      var found = false;
      unit.alts.forEach(function (alt) {
        if (alt.kind !== "sound" && alt.kind !== "initials") found = true;
      });
      return found && !unit.sounded && !/^[0-9]+$/.test(unit.text);
    });
    return english ? "en" : "zh";
  };

  function lowerBound(list, value) {
    var low = 0, high = list.length;
    while (low < high) {
      var mid = (low + high) >> 1;
      if (list[mid] < value) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /* Search: {query, lang, results: [{doc: number, score: number, entry: docs row}], total}. */
  Index.prototype.search = function (raw, options) {
    options = options || {};
    var limit = options.limit || 10;
    var query = this.analyse(raw);
    var size = this.docs.length;
    var totals = new Float64Array(size), matched = new Float64Array(size), best = new Float64Array(size);
    var seen = new Uint8Array(size), candidates = [];
    var units = query.units.filter(function (unit) { return !unit.stop; });
    var major = units.filter(function (unit) { return unit.major; });
    if (!major.length) major = units;
    for (var u = 0; u < units.length; u++) {
      var unit = units[u], touched = [];
      var self = this;
      unit.alts.forEach(function (alt, term) {
        var found = self.postings(term);
        if (!found) return;
        for (var k = 0; k < found.docs.length; k++) {
          var doc = found.docs[k], value = alt.factor * found.impacts[k];
          if (best[doc] === 0) touched.push(doc);
          if (value > best[doc]) best[doc] = value;
        }
      });
      var counts = major.indexOf(unit) >= 0;
      for (var t = 0; t < touched.length; t++) {
        var d = touched[t];
        totals[d] += best[d];
        if (counts) matched[d] += 1;
        best[d] = 0;
        if (!seen[d]) {
          seen[d] = 1;
          candidates.push(d);
        }
      }
    }
    var docs = this.docs, results = [];
    for (var c = 0; c < candidates.length; c++) {
      var id = candidates[c], row = docs[id];
      var share = major.length ? matched[id] / major.length : 1;
      var score = totals[id] * (PARTIAL_FLOOR + (1 - PARTIAL_FLOOR) * Math.min(1, share));
      if (query.lang && row[3] === query.lang) score *= QUERY_LANGUAGE_BONUS;
      if (options.lang && row[3] === options.lang) score *= SITE_LANGUAGE_BONUS;
      results.push({ doc: id, score: score });
    }
    results.sort(function (a, b) { return b.score - a.score || a.doc - b.doc; });
    var total = results.length;
    results = results.slice(0, limit).map(function (hit) {
      return { doc: hit.doc, score: hit.score, entry: docs[hit.doc] };
    });
    return { query: query, lang: query.lang, results: results, total: total };
  };

  return {
    Index: Index,
    load: function (data) { return new Index(data); },
    normalize: normalize,
    stem: stem,
    fuzzy: fuzzy,
    distance: distance,
  };
});
