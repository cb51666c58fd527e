// Publish a new hall or edit one: its building, name, seats, floor, what it has, whether
// requests need approval, its daily opening hours (the same every day here; the console
// sets different hours per weekday), and its own rules: how long a request may wait before the
// street's admins are told, time kept free after each booking for setting up and cleaning, how
// far ahead it is booked, how many
// bookings to come one member may hold in it, and who may book it (everyone in the district, the
// street's party members, or those of chosen units of the street).
const api = require('../../utils/api')
const errors = require('../../utils/errors')
const format = require('../../utils/format')

const FACILITIES = Object.keys(format.FACILITY)
const NOTICES = [
  { minutes: 0, name: '不限' },
  { minutes: 120, name: '提前2小时' },
  { minutes: 1440, name: '提前1天' },
  { minutes: 2880, name: '提前2天' },
  { minutes: 4320, name: '提前3天' },
]
const BUFFERS = [
  { minutes: 0, name: '不留' },
  { minutes: 15, name: '15分钟' },
  { minutes: 30, name: '30分钟' },
  { minutes: 60, name: '1小时' },
]
const ESCALATIONS = [
  { hours: 2, name: '2小时' },
  { hours: 12, name: '半天' },
  { hours: 24, name: '1天' },
  { hours: 48, name: '2天' },
]
const QUOTAS = [
  { max: 0, name: '不限（按全区规定）' },
  { max: 1, name: '1个' },
  { max: 2, name: '2个' },
  { max: 3, name: '3个' },
  { max: 5, name: '5个' },
]
const OPEN_TO = [
  { key: 'district', name: '全区党员' },
  { key: 'street', name: '本街道党员' },
  { key: 'units', name: '指定单位的党员' },
]
// The choice whose value is `value`, else the first.
const indexOf = (list, field, value) => Math.max(0, list.findIndex((x) => x[field] === value))

Component({
  data: {
    id: 0,
    buildings: [],
    buildingIndex: 0,
    name: '',
    capacity: '',
    floor: '',
    description: '',
    approval: false,
    facilities: FACILITIES.map((key) => ({ key, name: format.FACILITY[key], on: false })),
    open: '08:00',
    close: '21:00',
    buffers: BUFFERS,
    bufferIndex: 0,
    escalations: ESCALATIONS,
    escalationIndex: 2, // a day, the district's default
    notices: NOTICES,
    noticeIndex: 0,
    quotas: QUOTAS,
    quotaIndex: 0,
    openTo: OPEN_TO,
    openToIndex: 0,
    units: [], // the street's units, those chosen on
    error: '',
    done: '',
  },
  methods: {
    onLoad(query) {
      this.setData({ id: Number((query && query.id) || 0) })
      return this.load()
    },
    async load() {
      try {
        const me = api.remember(await api.get('/api/v1/me'))
        const all = await api.get('/api/v1/buildings')
        const buildings = all.items.filter((b) => me.role !== 'manager' || me.building_ids.indexOf(b.id) >= 0)
        this.setData({ buildings: buildings.map((b) => ({ id: b.id, name: b.name, street: b.street_id })) })
        if (!this.data.id) return this.loadUnits([])
        const v = await api.get(`/api/v1/venues/${this.data.id}`)
        const first = v.weekly_hours[0]
        this.setData({
          buildingIndex: Math.max(0, buildings.findIndex((b) => b.id === v.building_id)),
          name: v.name,
          capacity: String(v.capacity),
          floor: v.floor,
          description: v.description,
          approval: v.requires_approval,
          facilities: this.data.facilities.map((f) => Object.assign({}, f, { on: v.facilities.indexOf(f.key) >= 0 })),
          open: first ? first.open : this.data.open,
          close: first ? first.close : this.data.close,
          bufferIndex: indexOf(BUFFERS, 'minutes', v.buffer_minutes),
          escalationIndex: Math.max(0, ESCALATIONS.findIndex((x) => x.hours === v.escalate_after_hours)),
          noticeIndex: indexOf(NOTICES, 'minutes', v.min_notice_minutes),
          quotaIndex: indexOf(QUOTAS, 'max', v.max_active_here),
          openToIndex: indexOf(OPEN_TO, 'key', v.open_to),
        })
        return this.loadUnits(v.open_units)
      } catch (err) {
        this.setData({ error: errors.sentence(err) })
        return null
      }
    },
    // The units of the chosen building's street (a hall may be opened to some of them).
    async loadUnits(chosen) {
      const b = this.data.buildings[this.data.buildingIndex]
      if (!b) return
      const list = await api.get(`/api/v1/units?street_id=${b.street}`)
      this.setData({ units: list.items.map((u) => ({ id: u.id, name: u.name, on: chosen.indexOf(u.id) >= 0 })) })
    },
    pickEscalation(e) {
      this.setData({ escalationIndex: Number(e.detail.value) })
    },
    pickBuffer(e) {
      this.setData({ bufferIndex: Number(e.detail.value) })
    },
    pickNotice(e) {
      this.setData({ noticeIndex: Number(e.detail.value) })
    },
    pickQuota(e) {
      this.setData({ quotaIndex: Number(e.detail.value) })
    },
    pickOpenTo(e) {
      this.setData({ openToIndex: Number(e.detail.value) })
    },
    pickUnits(e) {
      const on = e.detail.value.map(Number)
      this.setData({ units: this.data.units.map((u) => Object.assign({}, u, { on: on.indexOf(u.id) >= 0 })) })
    },
    input(e) {
      this.setData({ [e.currentTarget.dataset.field]: e.detail.value })
    },
    pickBuilding(e) {
      this.setData({ buildingIndex: Number(e.detail.value) })
      return this.loadUnits([])
    },
    toggleApproval(e) {
      this.setData({ approval: e.detail.value })
    },
    pickFacilities(e) {
      const on = e.detail.value
      this.setData({ facilities: this.data.facilities.map((f) => Object.assign({}, f, { on: on.indexOf(f.key) >= 0 })) })
    },
    async save() {
      const d = this.data
      if (!d.buildings.length) {
        this.setData({ error: '您还没有可以发布场地的楼宇，请联系街道管理员。' })
        return null
      }
      const body = {
        building_id: d.buildings[d.buildingIndex].id,
        name: d.name.trim(),
        capacity: Number(d.capacity),
        floor: d.floor.trim(),
        description: d.description.trim(),
        requires_approval: d.approval,
        facilities: d.facilities.filter((f) => f.on).map((f) => f.key),
        weekly_hours: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, open: d.open, close: d.close })),
        buffer_minutes: BUFFERS[d.bufferIndex].minutes,
        escalate_after_hours: ESCALATIONS[d.escalationIndex].hours,
        min_notice_minutes: NOTICES[d.noticeIndex].minutes,
        max_active_here: QUOTAS[d.quotaIndex].max,
        open_to: OPEN_TO[d.openToIndex].key,
        open_units: OPEN_TO[d.openToIndex].key === 'units' ? d.units.filter((u) => u.on).map((u) => u.id) : [],
      }
      if (body.open_to === 'units' && !body.open_units.length) {
        this.setData({ error: '请至少选一个可以预约的单位。' })
        return null
      }
      try {
        const v = d.id ? await api.patch(`/api/v1/venues/${d.id}`, body) : await api.post('/api/v1/venues', body)
        this.setData({ id: v.id, done: d.id ? '已保存。' : '已发布，党员现在可以预约了。', error: '' })
        return v
      } catch (err) {
        this.setData({ error: errors.sentence(err) })
        return null
      }
    },
  },
})
