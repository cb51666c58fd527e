// The privacy guide (用户隐私保护指引), and the member's consents. Opened by api.js when the server
// refuses a collecting call (ask=server), by WeChat's privacy question (ask=wechat), or from 我的
// to read it again: then it shows when the member agreed, lets them take a copy of what is kept
// about them, and withdraw.
const api = require('../../utils/api')
const errors = require('../../utils/errors')
const format = require('../../utils/format')
const privacy = require('../../utils/privacy')
const wxp = require('../../utils/wxp')

const KINDS = { policy: '隐私保护指引', location: '使用位置信息' }

function consentText(c) {
  const what = `第 ${c.policy_version} 版${KINDS[c.kind] || ''}`
  const given = `${format.moment(c.given_at)} 同意${what}`
  return c.withdrawn_at ? `${given}，${format.moment(c.withdrawn_at)} 撤回` : given
}

Component({
  data: {
    asking: false,
    loaded: false,
    title: '共享空厅用户隐私保护指引',
    version: 0,
    updated: '',
    sections: [],
    agreed: false,
    agreedText: '',
    consents: [],
    exported: '',
    error: '',
  },
  methods: {
    onLoad(query) {
      this.setData({ asking: Boolean(query && query.ask) })
      return this.load()
    },
    async load() {
      try {
        const guide = await api.get('/api/v1/privacy/guide')
        this.setData({ title: guide.title, version: guide.version, updated: guide.updated, sections: guide.sections })
        this.show(await api.get('/api/v1/me/consents'))
      } catch (err) {
        this.setData({ error: errors.sentence(err) })
      }
    },
    // The member's consents (GET /me/consents, or the answer of agreeing or withdrawing).
    show(state) {
      const live = state.consents.find((c) => c.kind === 'policy' && !c.withdrawn_at)
      this.setData({
        loaded: true,
        agreed: state.agreed,
        agreedText: state.agreed && live ? `您已于 ${format.moment(live.given_at)} 同意第 ${live.policy_version} 版。` : '',
        consents: state.consents.map((c, i) => ({ key: i, text: consentText(c) })),
        error: '',
      })
    },
    // The agree button: WeChat records its privacy authorisation at this tap (open-type), and we
    // record the version the member read; a guide changed meanwhile is shown again.
    async agree() {
      try {
        const state = await api.post('/api/v1/me/consents', { policy_version: this.data.version })
        privacy.answerWechat(true)
        this.show(state)
        if (this.data.asking) {
          wx.showToast({ title: '已同意，请再点一次刚才的按钮', icon: 'none' })
          wx.navigateBack()
        }
      } catch (err) {
        if (err.code === 'policy_changed') await this.load()
        this.setData({ error: err.code === 'policy_changed' ? '指引刚刚更新了，请看一下新的版本再同意。' : errors.sentence(err) })
      }
    },
    refuse() {
      privacy.answerWechat(false)
      wx.navigateBack()
    },
    // A copy of everything kept about the member: counted here, the whole of it on the clipboard
    // to paste and keep.
    async exportMine() {
      try {
        const copy = await api.get('/api/v1/me/export')
        await wxp.call('setClipboardData', { data: JSON.stringify(copy, null, 1) })
        this.setData({
          exported: `已复制到剪贴板：预约 ${copy.bookings.length} 条，签到 ${copy.scans.length} 次，违约 ${copy.violations.length} 条，消息 ${copy.notices.length} 条。可以粘贴到聊天或备忘录里保存。`,
          error: '',
        })
      } catch (err) {
        this.setData({ error: errors.sentence(err) })
      }
    },
    async withdraw() {
      const sure = await wxp.ask('撤回同意', '撤回以后不能再预约和签到，已订好的预约照常保留。确定撤回吗？', '撤回', '不撤回')
      if (!sure) return
      try {
        this.show(await api.del('/api/v1/me/consents/policy'))
      } catch (err) {
        this.setData({ error: errors.sentence(err) })
      }
    },
  },
})
