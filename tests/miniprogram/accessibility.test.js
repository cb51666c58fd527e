// For members of every age: every text a page shows is Chinese and plain, body text is at least
// 32rpx, every tap target at least 88rpx high, one main action per screen.
const fs = require('fs')
const path = require('path')
const { ROOT } = require('./support/pages')

const app = JSON.parse(fs.readFileSync(path.join(ROOT, 'app.json'), 'utf8'))
const appWxss = fs.readFileSync(path.join(ROOT, 'app.wxss'), 'utf8')
const read = (page, ext) => {
  const f = path.join(ROOT, `${page}.${ext}`)
  return fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : ''
}
const CJK = /[\u4e00-\u9fff]/
const LATIN = /[A-Za-z]/

// What a member can read in a WXML: text between tags, placeholders, and the string literals
// inside {{ }} (a button's label chosen by state); never the expressions' names.
function visible(wxml) {
  const out = []
  const noComments = wxml.replace(/<!--[\s\S]*?-->/g, '')
  // A literal compared with (status === 'pending') is a value, not something shown.
  const literals = (expr) =>
    (expr.replace(/[!=]==?\s*('[^']*'|"[^"]*")/g, '').match(/'[^']*'|"[^"]*"/g) || []).map((s) => s.slice(1, -1))
  for (const m of noComments.matchAll(/placeholder="([^"]*)"/g)) out.push(m[1])
  for (const m of noComments.matchAll(/>([^<]+)</g)) {
    const raw = m[1]
    for (const e of raw.matchAll(/\{\{([^}]*)\}\}/g)) out.push(...literals(e[1]))
    out.push(raw.replace(/\{\{[^}]*\}\}/g, ''))
  }
  return out.map((s) => s.trim()).filter(Boolean)
}

// rpx sizes of a property in a WXSS, with the selector they belong to.
function sizes(wxss, property) {
  const out = []
  for (const rule of wxss.replace(/\/\*[\s\S]*?\*\//g, '').matchAll(/([^{}]+)\{([^}]*)\}/g)) {
    for (const d of rule[2].matchAll(new RegExp(`(?:^|;|\\s)${property}:\\s*([^;]+)`, 'g')))
      out.push({ selector: rule[1].trim(), value: d[1].trim() })
  }
  return out
}

// The height classes give: min-height, height or line-height in rpx, largest wins.
function heightOf(classes, wxss) {
  let best = 0
  for (const prop of ['min-height', 'height', 'line-height'])
    for (const s of sizes(wxss, prop))
      for (const sel of s.selector.split(','))
        if (classes.some((c) => sel.trim() === `.${c}`)) best = Math.max(best, parseInt(s.value, 10) || 0)
  return best
}

describe.each(app.pages)('%s', (page) => {
  const wxml = read(page, 'wxml')
  const wxss = appWxss + '\n' + read(page, 'wxss')

  test('shows only Chinese: no Latin letters, and words in Chinese', () => {
    const title = JSON.parse(read(page, 'json')).navigationBarTitleText
    for (const t of visible(wxml).concat([title])) {
      expect({ text: t, latin: LATIN.test(t) }).toEqual({ text: t, latin: false })
      if (t.replace(/[\s\d:：–\-·、，。（）()%/]/g, '').length > 1) expect({ text: t, chinese: CJK.test(t) }).toEqual({ text: t, chinese: true })
    }
  })

  test('body text is at least 32rpx, in rpx', () => {
    for (const s of sizes(wxss, 'font-size')) {
      expect({ where: s.selector, unit: s.value.endsWith('rpx') }).toEqual({ where: s.selector, unit: true })
      expect({ where: s.selector, big: parseInt(s.value, 10) >= 32 }).toEqual({ where: s.selector, big: true })
    }
  })

  test('every tap target is at least 88rpx high', () => {
    for (const m of wxml.matchAll(/<([a-z-]+)((?:[^>](?!bindtap))*[^>]?)\sbindtap="[^"]*"([^>]*)>/g)) {
      const attrs = m[2] + m[3]
      const cls = (attrs.match(/class="([^"]*)"/) || ['', ''])[1].replace(/\{\{[^}]*\}\}/g, ' ').split(/\s+/).filter(Boolean)
      expect({ target: `<${m[1]} class="${cls.join(' ')}">`, height: heightOf(cls, wxss) >= 88 }).toEqual({
        target: `<${m[1]} class="${cls.join(' ')}">`,
        height: true,
      })
    }
  })

  test('one main action per screen', () => {
    for (const screen of wxml.split('<block wx:else>')) {
      const mains = (screen.match(/class="main[\s"]/g) || []).length
      expect(mains).toBeLessThanOrEqual(1)
    }
  })
})

test('the checks catch what they look for (a planted page)', () => {
  expect(visible('<view>Submit</view>').some((t) => LATIN.test(t))).toBe(true)
  expect(visible("<button>{{ok ? 'OK' : '确定'}}</button>")).toContain('OK')
  expect(visible("<view>{{s === 'pending' ? '等待' : '好'}}</view>")).not.toContain('pending')
  expect(visible('<input placeholder="Name" />')).toContain('Name')
  expect(sizes('.x { font-size: 24rpx; }', 'font-size')[0].value).toBe('24rpx')
  expect(heightOf(['tiny'], '.tiny { min-height: 40rpx; }')).toBe(40)
})
