/*
 * The elder-first audit's measurements, run INSIDE the page (page.addInitScript({ path }) puts this
 * file into every document before the app's own scripts). Plain JavaScript with no imports: it is read
 * from disk and handed to Chromium as it is, so no compiler helper can sneak in.
 *
 * window.__ylAudit.measure()  → one snapshot of what a person sees on the current page: the smallest
 *   visible text, tappable boxes under 60×60, content that does not fit its box, text drawn over other
 *   text, text under 4.5:1 contrast (every text, disabled buttons included), and where 开始认证 is.
 * window.__ylAudit.sentences(selectors) → the sentences shown inside the visible elements matching
 *   selectors (button labels left out): what must also have been spoken.
 * window.__ylAudit.watchPrompts(selectors) → records every sentence shown there from now on
 *   (window.__ylShown), for prompts that come and go (the camera page).
 *
 * What is NOT looked at, on purpose: pages Taro's router keeps hidden in the document (display:none),
 * text hidden from everyone (visually-hidden screen-reader text), decorative aria-hidden marks (for the
 * text-size and contrast checks only: they still count when they overlap text), and the camera
 * preview (<video>/<canvas> and the box that crops them).
 */
;(function () {
  'use strict'
  if (window.__ylAudit) return

  var MIN_TEXT_PX = 18
  var MIN_TARGET_PX = 60
  var MIN_CONTRAST = 4.5
  var TARGET_SELECTOR = [
    'button',
    'a[href]',
    'input:not([type="hidden"])',
    'select',
    'textarea',
    '[role="button"]',
    '[role="link"]',
    '[role="radio"]',
    '[role="checkbox"]',
    '[role="switch"]',
    '[role="tab"]',
    '[role="menuitem"]',
    '[role="option"]',
    'taro-button-core',
    '[tabindex]:not([tabindex="-1"])',
  ].join(',')
  var SKIP_TAGS = { SCRIPT: 1, STYLE: 1, NOSCRIPT: 1, TEMPLATE: 1, svg: 1, SVG: 1 }
  var MEDIA_TAGS = { VIDEO: 1, CANVAS: 1, IMG: 1, IFRAME: 1 }
  // Sentences end here; a shown sentence counts as spoken when it appears in what was said.
  var SENTENCE_SPLIT = /[，,。！!？?；;：:\n]+/

  function shown(el) {
    if (!el || !el.isConnected) return false
    if (typeof el.checkVisibility === 'function' && !el.checkVisibility({ opacityProperty: true, visibilityProperty: true })) return false
    var r = el.getBoundingClientRect()
    return r.width > 0 && r.height > 0
  }

  /** Visually-hidden text (for screen readers only): a 1-px or clipped box. */
  function visuallyHidden(el) {
    for (var a = el; a && a !== document.body; a = a.parentElement) {
      var cs = getComputedStyle(a)
      if (cs.clip && cs.clip !== 'auto' && /rect\(0(px)?,? 0(px)?,? 0(px)?,? 0(px)?\)/.test(cs.clip)) return true
      if (cs.clipPath && /inset\((50|100)%\)/.test(cs.clipPath)) return true
      var r = a.getBoundingClientRect()
      if ((r.width <= 1 || r.height <= 1) && cs.overflow !== 'visible') return true
    }
    return false
  }

  function ariaHidden(el) {
    return !!el.closest('[aria-hidden="true"]')
  }

  function inSkipped(el) {
    for (var a = el; a; a = a.parentElement) if (SKIP_TAGS[a.tagName]) return true
    return false
  }

  function clean(s) {
    return String(s || '').replace(/\s+/g, ' ').trim()
  }

  /** A short name a person can find on the screen: tag.class [testid] "text". */
  function where(el) {
    var own = el.getAttribute && el.getAttribute('data-testid')
    var near = own ? null : el.closest('[data-testid]')
    var cls = (el.getAttribute('class') || '').split(/\s+/).filter(Boolean)[0] || ''
    var text = clean(el.innerText || el.value || el.placeholder || el.getAttribute('aria-label') || '').slice(0, 24)
    return (
      el.tagName.toLowerCase() +
      (cls ? '.' + cls : '') +
      (own ? ' [' + own + ']' : near ? ' in [' + near.getAttribute('data-testid') + ']' : '') +
      (text ? ' "' + text + '"' : '')
    )
  }

  function round(n) {
    return Math.round(n * 10) / 10
  }

  // ---- text ------------------------------------------------------------------------------------

  /** Every visible piece of text: its element, size, characters and boxes. */
  function textItems() {
    var out = []
    var walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT)
    var n
    while ((n = walker.nextNode())) {
      var chars = (n.textContent || '').replace(/\s+/g, '')
      if (!chars) continue
      var el = n.parentElement
      if (!el || inSkipped(el) || !shown(el) || visuallyHidden(el)) continue
      var range = document.createRange()
      range.selectNodeContents(n)
      var rects = Array.prototype.filter.call(range.getClientRects(), function (r) {
        return r.width > 0.5 && r.height > 0.5
      })
      if (!rects.length) continue
      out.push({ el: el, text: chars, px: parseFloat(getComputedStyle(el).fontSize), rects: rects, decorative: ariaHidden(el) })
    }
    // What a person types into a box, and the hint shown in it before they do.
    document.querySelectorAll('input:not([type="hidden"]), textarea').forEach(function (el) {
      if (!shown(el) || visuallyHidden(el)) return
      var value = el.value || ''
      var ph = el.getAttribute('placeholder') || ''
      if (value) out.push({ el: el, text: value, px: parseFloat(getComputedStyle(el).fontSize), rects: [el.getBoundingClientRect()], decorative: false, input: true })
      else if (ph) out.push({ el: el, text: ph, px: parseFloat(getComputedStyle(el, '::placeholder').fontSize), rects: [el.getBoundingClientRect()], decorative: false, input: true, placeholder: true })
    })
    return out
  }

  function weightedMedian(items) {
    var xs = []
    items.forEach(function (t) {
      if (!t.decorative) xs.push([t.px, t.text.length])
    })
    if (!xs.length) return 0
    xs.sort(function (a, b) {
      return a[0] - b[0]
    })
    var total = xs.reduce(function (s, x) {
      return s + x[1]
    }, 0)
    var acc = 0
    for (var i = 0; i < xs.length; i++) {
      acc += xs[i][1]
      if (acc * 2 >= total) return xs[i][0]
    }
    return xs[xs.length - 1][0]
  }

  // ---- colour ----------------------------------------------------------------------------------

  function parseColor(s) {
    var m = /^rgba?\(([^)]+)\)$/.exec(s)
    if (m) {
      var p = m[1].split(/[\s,/]+/).filter(Boolean).map(parseFloat)
      return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 }
    }
    m = /^color\(srgb ([^)]+)\)$/.exec(s)
    if (m) {
      var q = m[1].split(/[\s/]+/).filter(Boolean).map(parseFloat)
      return { r: q[0] * 255, g: q[1] * 255, b: q[2] * 255, a: q.length > 3 ? q[3] : 1 }
    }
    return null
  }

  function over(top, bottom) {
    var a = top.a
    return { r: top.r * a + bottom.r * (1 - a), g: top.g * a + bottom.g * (1 - a), b: top.b * a + bottom.b * (1 - a), a: 1 }
  }

  function luminance(c) {
    function ch(v) {
      v /= 255
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4)
    }
    return 0.2126 * ch(c.r) + 0.7152 * ch(c.g) + 0.0722 * ch(c.b)
  }

  function ratio(a, b) {
    var la = luminance(a)
    var lb = luminance(b)
    return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05)
  }

  function hex(c) {
    return (
      '#' +
      [c.r, c.g, c.b]
        .map(function (v) {
          return ('0' + Math.round(v).toString(16)).slice(-2)
        })
        .join('')
    )
  }

  /**
   * The text's colour and the colour behind it, through the ancestors' backgrounds and opacity.
   * null when a background picture lies behind it (not judged here; axe reports those as incomplete).
   */
  function textColors(el) {
    var fg = parseColor(getComputedStyle(el).color)
    if (!fg) return null
    var layers = []
    var opacity = 1
    for (var a = el; a; a = a.parentElement) {
      var cs = getComputedStyle(a)
      opacity *= parseFloat(cs.opacity || '1')
      if (cs.backgroundImage && cs.backgroundImage !== 'none') return null
      var bg = parseColor(cs.backgroundColor)
      if (bg && bg.a > 0) {
        layers.push(bg)
        if (bg.a >= 1) break
      }
    }
    var back = { r: 255, g: 255, b: 255, a: 1 }
    for (var i = layers.length - 1; i >= 0; i--) back = over(layers[i], back)
    var front = over({ r: fg.r, g: fg.g, b: fg.b, a: fg.a * opacity }, back)
    return { fg: front, bg: back }
  }

  // ---- tappable boxes --------------------------------------------------------------------------

  /** React's own click handler on an element that is not a control (a tappable View). */
  function reactClickable(el) {
    for (var k in el) {
      if (k.indexOf('__reactProps$') === 0) {
        var p = el[k]
        return !!(p && (typeof p.onClick === 'function' || typeof p.onTap === 'function'))
      }
    }
    return false
  }

  function isTarget(el) {
    return el.matches(TARGET_SELECTOR) || reactClickable(el)
  }

  function targets() {
    var all = []
    document.body.querySelectorAll('*').forEach(function (el) {
      if (inSkipped(el) || !shown(el) || visuallyHidden(el)) return
      if (!isTarget(el)) return
      all.push(el)
    })
    var set = new Set(all)
    return all.filter(function (el) {
      // An input is its own hit area (a tap beside it focuses nothing) unless a label wraps it.
      if (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT') return true
      for (var a = el.parentElement; a; a = a.parentElement) if (set.has(a)) return false
      return true
    })
  }

  function hitBox(el) {
    var r = el.getBoundingClientRect()
    var label = (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT') && el.closest('label')
    return label ? label.getBoundingClientRect() : r
  }

  // ---- content that does not fit ---------------------------------------------------------------

  function boxed(el, cs) {
    if (MEDIA_TAGS[el.tagName] || el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT') return false
    if (cs.display === 'inline' || cs.display === 'contents' || cs.display === 'none') return false
    // The camera preview crops its video on purpose.
    if (el.querySelector('video, canvas')) return false
    return true
  }

  /**
   * Does text (or a control) inside `el` reach past its padding box on that side? Pictures and
   * animated marks that swing a little past their stage are decoration, not content a person reads.
   */
  function textSticksOut(el, items, axis) {
    var r = el.getBoundingClientRect()
    var cs = getComputedStyle(el)
    var left = r.left + parseFloat(cs.borderLeftWidth)
    var right = r.right - parseFloat(cs.borderRightWidth)
    var top = r.top + parseFloat(cs.borderTopWidth)
    var bottom = r.bottom - parseFloat(cs.borderBottomWidth)
    return items.some(function (t) {
      if (!el.contains(t.el)) return false
      return t.rects.some(function (tr) {
        return axis === 'x' ? tr.right > right + 1 || tr.left < left - 1 : tr.bottom > bottom + 1 || tr.top < top - 1
      })
    })
  }

  function overflows(items) {
    var found = []
    document.body.querySelectorAll('*').forEach(function (el) {
      if (inSkipped(el) || !shown(el) || visuallyHidden(el)) return
      var cs = getComputedStyle(el)
      if (!boxed(el, cs)) return
      var dx = el.scrollWidth - el.clientWidth
      var dy = el.scrollHeight - el.clientHeight
      var scrollX = cs.overflowX === 'auto' || cs.overflowX === 'scroll'
      var clipY = cs.overflowY === 'hidden' || cs.overflowY === 'clip'
      if (!scrollX && dx > 1 && textSticksOut(el, items, 'x')) found.push({ el: el, detail: 'content ' + dx + ' px wider than its box' + (cs.overflowX === 'visible' ? '' : ' (cut off)') })
      else if (clipY && dy > 1 && textSticksOut(el, items, 'y')) found.push({ el: el, detail: 'content ' + dy + ' px taller than its box (cut off)' })
    })
    // Report the innermost box only: its ancestors overflow because of it.
    var els = found.map(function (f) {
      return f.el
    })
    var out = found.filter(function (f) {
      return !els.some(function (o) {
        return o !== f.el && f.el.contains(o)
      })
    })
    // A typed value wider than its box scrolls inside it: the person sees only part of what she typed
    // (an 18-digit ID number at 特大). The box itself has no overflow, so it is looked for on its own.
    document.body.querySelectorAll('input, textarea').forEach(function (el) {
      if (inSkipped(el) || !shown(el) || el.type === 'checkbox' || el.type === 'radio' || el.type === 'hidden' || !el.value) return
      var over = el.scrollWidth - el.clientWidth
      // a textarea wraps: what does not fit is below its last visible line
      var below = el.tagName === 'TEXTAREA' ? el.scrollHeight - el.clientHeight : 0
      if (over > 1) out.push({ el: el, detail: 'the typed value is ' + over + ' px wider than its box (only part of it shows)' })
      else if (below > 1) out.push({ el: el, detail: 'the typed text is ' + below + ' px taller than its box (only part of it shows)' })
    })
    var doc = document.documentElement
    if (doc.scrollWidth > window.innerWidth + 1) out.push({ el: doc, detail: 'the page is ' + (doc.scrollWidth - window.innerWidth) + ' px wider than the screen' })
    return out
  }

  /** Text drawn over other text (e.g. a ○ mark covering a word's first character). */
  function overlaps(items) {
    var out = []
    var seen = new Set()
    for (var i = 0; i < items.length; i++) {
      for (var j = i + 1; j < items.length; j++) {
        var a = items[i]
        var b = items[j]
        if (a.el === b.el || a.input || b.input) continue
        for (var p = 0; p < a.rects.length; p++) {
          for (var q = 0; q < b.rects.length; q++) {
            var ra = a.rects[p]
            var rb = b.rects[q]
            var ix = Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left)
            var iy = Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top)
            // Half a line up or down is the font's ascent/descent spilling past a tight line height, not an overlap.
            if (ix > Math.max(2, 0.25 * Math.min(ra.width, rb.width)) && iy > Math.max(2, 0.5 * Math.min(ra.height, rb.height))) {
              var key = i + ':' + j
              if (!seen.has(key)) {
                seen.add(key)
                out.push({ el: a.el, detail: '"' + a.text.slice(0, 12) + '" overlaps "' + b.text.slice(0, 12) + '" (' + where(b.el) + ')' })
              }
            }
          }
        }
      }
    }
    return out
  }

  function scrollAllToTop() {
    window.scrollTo(0, 0)
    document.querySelectorAll('.taro_page').forEach(function (p) {
      p.scrollTop = 0
    })
  }

  // ---- words and numbers split across lines ----------------------------------------------------

  /** The line each character of a text node is on (the top of its box, to a pixel; NaN: no box). */
  function lineTops(n) {
    var text = n.textContent || ''
    var tops = []
    var range = document.createRange()
    for (var i = 0; i < text.length; i++) {
      range.setStart(n, i)
      range.setEnd(n, i + 1)
      var r = range.getBoundingClientRect()
      tops.push(r.width > 0 || r.height > 0 ? Math.round(r.top) : NaN)
    }
    return tops
  }

  function brokenWithin(tops, from, to) {
    for (var j = from + 1; j < to; j++) if (tops[j] > tops[j - 1] + 2) return true
    return false
  }

  /**
   * Text wrapped where a person would misread it. Anywhere: a number split over two lines (2026年12月3 /
   * 1日 reads as the 3rd). In a button's or a title's short words: a word split (申 / 请, 家 / 人) — an old reader takes
   * the halves for two words; prose may break between any two characters, as printed Chinese does.
   * Words are the browser's own (Intl.Segmenter, ICU's dictionary). Answers { el, kind, part }.
   */
  function splitText() {
    var seg = typeof Intl !== 'undefined' && Intl.Segmenter ? new Intl.Segmenter('zh-CN', { granularity: 'word' }) : null
    var found = []
    var walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT)
    var n
    while ((n = walker.nextNode())) {
      var text = n.textContent || ''
      if (text.replace(/\s+/g, '').length < 2) continue
      var el = n.parentElement
      if (!el || inSkipped(el) || !shown(el) || visuallyHidden(el) || ariaHidden(el)) continue
      // (A link is not read as a number: its box may break anywhere.)
      if (/:\/\//.test(text)) continue
      var numbers = /[0-9]{2,}/.test(text)
      var label = el.closest('button, [role="button"], taro-button-core, h1, h2, h3, [role="heading"], [class*="__title"], .yl-section-title')
      var words = seg && label && clean(label.innerText || '').length <= 12
      // Characters are measured one by one: only in text with a number or short words to check (not prose).
      if (!numbers && !words) continue
      var tops = lineTops(n)
      if (numbers) {
        var digits = /[0-9]{2,}/g
        var m
        while ((m = digits.exec(text))) if (brokenWithin(tops, m.index, m.index + m[0].length)) found.push({ el: el, kind: 'number', part: m[0] })
      }
      if (!words) continue
      Array.from(seg.segment(text)).forEach(function (w) {
        if (w.isWordLike && w.segment.length >= 2 && brokenWithin(tops, w.index, w.index + w.segment.length)) found.push({ el: el, kind: 'word', part: w.segment })
      })
    }
    return found
  }

  // ---- the snapshot ----------------------------------------------------------------------------

  function measure() {
    scrollAllToTop()
    var items = textItems()
    var findings = []
    var minText = Infinity
    var smallText = new Map()
    items.forEach(function (t) {
      if (t.decorative) return
      if (t.px < minText) minText = t.px
      if (t.px < MIN_TEXT_PX - 0.05 && !smallText.has(t.el)) smallText.set(t.el, t)
    })
    smallText.forEach(function (t) {
      findings.push({ kind: 'text', detail: round(t.px) + ' px text' + (t.placeholder ? ' (placeholder)' : '') + ': ' + where(t.el) })
    })

    var minTarget = Infinity
    targets().forEach(function (el) {
      var r = hitBox(el)
      var side = Math.min(r.width, r.height)
      if (side < minTarget) minTarget = side
      if (r.width < MIN_TARGET_PX - 0.5 || r.height < MIN_TARGET_PX - 0.5) {
        findings.push({ kind: 'target', detail: Math.round(r.width) + '×' + Math.round(r.height) + ' px tap area: ' + where(el) })
      }
    })

    var over = overflows(items)
    over.forEach(function (o) {
      findings.push({ kind: 'overflow', detail: o.detail + ': ' + (o.el === document.documentElement ? 'html' : where(o.el)) })
    })
    var lap = overlaps(items)
    lap.forEach(function (o) {
      findings.push({ kind: 'overflow', detail: 'text over text: ' + o.detail })
    })

    splitText().forEach(function (o) {
      findings.push({ kind: 'wordbreak', detail: (o.kind === 'number' ? 'number ' : 'word ') + '「' + o.part + '」 split across two lines: ' + where(o.el) })
    })

    var lowContrast = new Map()
    var minContrast = Infinity
    items.forEach(function (t) {
      if (t.decorative || t.placeholder || lowContrast.has(t.el)) return
      var c = textColors(t.el)
      if (!c) return
      var r = ratio(c.fg, c.bg)
      if (r < minContrast) minContrast = r
      if (r < MIN_CONTRAST) lowContrast.set(t.el, { r: r, c: c })
    })
    lowContrast.forEach(function (v, el) {
      findings.push({ kind: 'contrast', detail: 'contrast ' + v.r.toFixed(2) + ':1 (' + hex(v.c.fg) + ' on ' + hex(v.c.bg) + '): ' + where(el) })
    })

    var start = Array.prototype.find.call(document.querySelectorAll('[data-testid="start"]'), shown)
    var startBox = null
    if (start) {
      var sr = start.getBoundingClientRect()
      startBox = { top: Math.round(sr.top), bottom: Math.round(sr.bottom), left: Math.round(sr.left), right: Math.round(sr.right) }
    }

    var scaleHost = Array.prototype.find.call(document.querySelectorAll('.yl-page, .yl-cam'), shown)
    return {
      findings: findings,
      minTextPx: minText === Infinity ? null : round(minText),
      minTargetPx: minTarget === Infinity ? null : Math.round(minTarget),
      bodyTextPx: round(weightedMedian(items)),
      overflowCount: over.length + lap.length,
      contrastCount: lowContrast.size,
      minContrast: minContrast === Infinity ? null : round(minContrast),
      start: startBox,
      viewport: { width: window.innerWidth, height: window.innerHeight },
      scaleVar: scaleHost ? getComputedStyle(scaleHost).getPropertyValue('--yl-scale').trim() : '',
    }
  }

  // ---- shown sentences -------------------------------------------------------------------------

  function isInTarget(el) {
    for (var a = el; a; a = a.parentElement) if (a.matches && a.matches('button, [role="button"], [role="radio"], taro-button-core')) return true
    return false
  }

  /** The nearest box around a piece of text (the element that lays out its whole line). */
  function lineOwner(el) {
    for (var a = el; a && a !== document.body; a = a.parentElement) {
      var d = getComputedStyle(a).display
      if (d !== 'inline' && d !== 'contents') return a
    }
    return el
  }

  function sentences(selectors) {
    var owners = new Set()
    document.querySelectorAll(selectors.join(',')).forEach(function (root) {
      if (!shown(root)) return
      var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT)
      var n
      while ((n = walker.nextNode())) {
        if (!(n.textContent || '').trim()) continue
        var el = n.parentElement
        if (!el || inSkipped(el) || !shown(el) || visuallyHidden(el) || ariaHidden(el) || isInTarget(el)) continue
        owners.add(lineOwner(el))
      }
    })
    var out = []
    owners.forEach(function (o) {
      clean(o.innerText)
        .split(SENTENCE_SPLIT)
        .map(clean)
        .filter(function (s) {
          return /[\u4e00-\u9fff]/.test(s)
        })
        .forEach(function (s) {
          if (out.indexOf(s) < 0) out.push(s)
        })
    })
    return out
  }

  function watchPrompts(selectors) {
    var shownLog = (window.__ylShown = window.__ylShown || [])
    var pending = false
    function collect() {
      pending = false
      sentences(selectors).forEach(function (s) {
        if (shownLog.indexOf(s) < 0) shownLog.push(s)
      })
    }
    var start = function () {
      new MutationObserver(function () {
        if (pending) return
        pending = true
        requestAnimationFrame(collect)
      }).observe(document.documentElement, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['class', 'style', 'data-stage'] })
    }
    if (document.documentElement) start()
    else document.addEventListener('DOMContentLoaded', start)
  }

  window.__ylAudit = { measure: measure, sentences: sentences, watchPrompts: watchPrompts, shown: shown }
})()
