// 我的: the member's name, branch (asked to join, and how that stands), phone number, and any
// violations and ban with their dates; a violation thought unfair is appealed here within 7 days
// (the street's admin decides; the answer comes as a message). Managers and admins find their
// own work here too.
const api = require('../../utils/api')
const errors = require('../../utils/errors')
const wxp = require('../../utils/wxp')
const format = require('../../utils/format')

// How a violation stands after an appeal, in the member's words.
function appealText(v) {
  if (v.appeal === 'pending') return '（已申诉，等待街道处理）'
  if (v.appeal === 'waived') return '（申诉通过，已免除）'
  if (v.appeal === 'kept') return `（申诉未通过：${v.appeal_note}）`
  return v.waived ? '（已免除）' : ''
}

Component({
  data: {
    user: null,
    name: '',
    roleText: '',
    branchText: '',
    branchName: '',
    query: '',
    branches: [],
    violations: [],
    appealing: 0, // the violation whose appeal is being written
    reason: '',
    bannedText: '',
    manages: false,
    error: '',
    saved: '',
  },
  methods: {
    onLoad() {
      return this.load()
    },
    async load() {
      try {
        const user = api.remember(await api.get('/api/v1/me'))
        let branchName = ''
        if (user.branch) branchName = (await api.get(`/api/v1/branches/${user.branch.branch_id}`)).name
        this.show(user, branchName)
      } catch (err) {
        this.setData({ error: errors.sentence(err) })
      }
    },
    show(user, branchName) {
      this.setData({
        user,
        name: user.name,
        roleText: format.ROLE[user.role],
        branchName,
        branchText: user.branch ? format.BRANCH_STATE[user.branch.state] : '',
        violations: user.violations.map((v) => ({
          id: v.id,
          text: `${format.moment(v.at)} ${format.VIOLATION[v.kind]}${appealText(v)}`,
          canAppeal: !v.waived && !v.appeal && Date.now() < Date.parse(v.appeal_until),
          until: format.moment(v.appeal_until),
        })),
        bannedText: user.banned_until ? `预约已暂停到 ${format.moment(user.banned_until)}，之后可以再预约。` : '',
        manages: user.role !== 'member',
        error: '',
      })
    },
    inputName(e) {
      this.setData({ name: e.detail.value })
    },
    async saveName() {
      try {
        this.show(api.remember(await api.patch('/api/v1/me', { name: this.data.name.trim() })), this.data.branchName)
        this.setData({ saved: '姓名已保存' })
      } catch (err) {
        this.setData({ error: errors.sentence(err) })
      }
    },
    inputQuery(e) {
      this.setData({ query: e.detail.value })
    },
    async findBranches() {
      try {
        const list = await api.get(`/api/v1/branches?q=${encodeURIComponent(this.data.query.trim())}`)
        // A joint branch (联合党支部) asks which of its units the member is from: one choice each.
        const choices = []
        for (const b of list.items) {
          if (!b.joint) choices.push({ key: `${b.id}`, id: b.id, name: b.name, unit: 0 })
          else for (const u of b.units) choices.push({ key: `${b.id}-${u.id}`, id: b.id, name: `${b.name}（${u.name}）`, unit: u.id })
        }
        this.setData({ branches: choices })
      } catch (err) {
        this.setData({ error: errors.sentence(err) })
      }
    },
    async join(e) {
      const b = this.data.branches.find((x) => x.key === e.currentTarget.dataset.key)
      const body = { branch_id: b.id }
      if (b.unit) body.unit_id = b.unit
      try {
        this.show(api.remember(await api.patch('/api/v1/me', body)), b.name)
        this.setData({ branches: [], saved: '已申请加入，等支部确认。' })
      } catch (err) {
        this.setData({ error: errors.sentence(err) })
      }
    },
    // <button open-type="getPhoneNumber">: WeChat asks the member, then gives a one-time code.
    async phone(e) {
      if (!e.detail || !e.detail.code) {
        this.setData({ error: '没有拿到手机号。需要时可以再点一次。' })
        return
      }
      try {
        this.show(api.remember(await api.post('/api/v1/me/phone', { code: e.detail.code })), this.data.branchName)
        this.setData({ saved: '手机号已保存' })
      } catch (err) {
        this.setData({ error: errors.sentence(err) })
      }
    },
    // A correction: the number goes (asked first; it needs no consent).
    async removePhone() {
      if (!(await wxp.ask('删除手机号', '删除后场地管理员无法打电话联系您。确定删除吗？', '删除', '不删除'))) return
      try {
        this.show(api.remember(await api.del('/api/v1/me/phone')), this.data.branchName)
        this.setData({ saved: '手机号已删除' })
      } catch (err) {
        this.setData({ error: errors.sentence(err) })
      }
    },
    startAppeal(e) {
      this.setData({ appealing: Number(e.currentTarget.dataset.id), reason: '', saved: '', error: '' })
    },
    inputAppeal(e) {
      this.setData({ reason: e.detail.value })
    },
    cancelAppeal() {
      this.setData({ appealing: 0, reason: '' })
    },
    async sendAppeal() {
      const reason = this.data.reason.trim()
      if (!reason) {
        this.setData({ error: '请写明申诉的理由。' })
        return
      }
      try {
        await api.post(`/api/v1/violations/${this.data.appealing}/appeal`, { reason })
        this.setData({ appealing: 0, reason: '' })
        await this.load()
        this.setData({ saved: '申诉已提交，街道管理员处理后会通知您。' })
      } catch (err) {
        this.setData({ error: errors.sentence(err) })
      }
    },
    manage() {
      wx.navigateTo({ url: '/pages/manage/index' })
    },
    scanInvite() {
      wx.navigateTo({ url: '/pages/invite/index' })
    },
    privacy() {
      wx.navigateTo({ url: '/pages/privacy/index' })
    },
    closeAccount() {
      wx.navigateTo({ url: '/pages/close/index' })
    },
  },
})
