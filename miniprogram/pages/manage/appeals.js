// 违约申诉 (street and district admins): the appeals waiting, oldest first — who, which booking,
// what was recorded and why they think it unfair. 免除 waives the violation (a ban it caused is
// lifted); 维持 keeps it with a word the member reads. Either way the member is told.
const api = require('../../utils/api')
const errors = require('../../utils/errors')
const format = require('../../utils/format')

Component({
  data: { appeals: [], notes: {}, error: '', done: '', loaded: false },
  methods: {
    onLoad() {
      return this.load()
    },
    async load() {
      try {
        const list = await api.get('/api/v1/appeals')
        const appeals = list.items.map((a) => ({
          id: a.violation_id,
          who: a.member.name || '（未填姓名）',
          what: `${format.VIOLATION[a.kind]}，记${a.weight}次`,
          when: `${a.booking.venue_name} ${format.day(a.booking.date)} ${a.booking.start}–${a.booking.end}`,
          reason: a.reason,
          asked: `${format.moment(a.appealed_at)}提出`,
        }))
        this.setData({ appeals, loaded: true, error: '' })
      } catch (err) {
        this.setData({ error: errors.sentence(err) })
      }
    },
    inputNote(e) {
      this.setData({ [`notes.${e.currentTarget.dataset.id}`]: e.detail.value })
    },
    async waive(e) {
      return this.decide(Number(e.currentTarget.dataset.id), true, '')
    },
    async keep(e) {
      const id = Number(e.currentTarget.dataset.id)
      const note = (this.data.notes[id] || '').trim()
      if (!note) {
        this.setData({ error: '请写上维持的理由，申诉人会看到。' })
        return null
      }
      return this.decide(id, false, note)
    },
    async decide(id, waive, note) {
      try {
        const r = await api.post(`/api/v1/violations/${id}/appeal/decision`, { waive, note })
        const lifted = r.ban_lifted ? '暂停预约已解除，' : ''
        this.setData({ done: waive ? `已免除这条违约记录，${lifted}申诉人会收到通知。` : '已维持这条违约记录，申诉人会收到通知和理由。' })
        return this.load()
      } catch (err) {
        this.setData({ error: errors.sentence(err) })
        return null
      }
    },
  },
})
