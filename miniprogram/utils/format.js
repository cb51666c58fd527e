// Words and times as a member reads them: Chinese, plain, Shanghai time.
const STATUS = {
  pending: '等待审批',
  confirmed: '已预约',
  checked_in: '已签到',
  completed: '已结束',
  cancelled: '已取消',
  rejected: '未通过',
  expired: '未审批，已失效',
  no_show: '未签到',
}
const SLOT = { free: '空闲', held: '有人正在预订', booked: '已被预约', closed: '不开放', past: '已过去' }
const FACILITY = {
  projector: '投影仪',
  microphone: '话筒',
  whiteboard: '白板',
  video_conferencing: '视频会议',
  screen: '大屏幕',
  speakers: '音响',
  stage: '舞台',
  tea_service: '茶水',
  wifi: '无线网络',
  accessible: '无障碍通道',
}
const ROLE = { member: '党员', manager: '场地管理员', street_admin: '街道管理员', district_admin: '区管理员' }
const BRANCH_STATE = { pending: '等待支部确认', confirmed: '已确认', refused: '支部未同意' }
const VIOLATION = { no_show: '预约后未签到', late_cancel: '临近开始才取消', late_shrink: '临近开始才缩短时间' }
const WEEKDAY = ['周日', '周一', '周二', '周三', '周四', '周五', '周六']
const SHANGHAI_MS = 8 * 3600 * 1000

// YYYY-MM-DD of an instant (ms) in Shanghai.
function dateOf(ms) {
  return new Date(ms + SHANGHAI_MS).toISOString().slice(0, 10)
}

// HH:MM of an instant (ms) in Shanghai.
function timeOf(ms) {
  return new Date(ms + SHANGHAI_MS).toISOString().slice(11, 16)
}

function addDays(date, n) {
  return dateOf(Date.parse(date + 'T12:00:00+08:00') + n * 86400000)
}

// "12月3日 周四"
function day(date) {
  const d = new Date(Date.parse(date + 'T12:00:00+08:00'))
  return `${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日 ${WEEKDAY[d.getUTCDay()]}`
}

// "12月3日 14:05" of an ISO instant the server sent.
function moment(iso) {
  const ms = Date.parse(iso)
  return `${day(dateOf(ms))} ${timeOf(ms)}`
}

// "4分05秒" of a number of seconds.
function countdown(seconds) {
  const s = Math.max(0, Math.floor(seconds))
  return `${Math.floor(s / 60)}分${String(s % 60).padStart(2, '0')}秒`
}

function minutesOf(hhmm) {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5))
}

function hhmm(minutes) {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`
}

module.exports = {
  STATUS,
  SLOT,
  FACILITY,
  ROLE,
  BRANCH_STATE,
  VIOLATION,
  dateOf,
  timeOf,
  addDays,
  day,
  moment,
  countdown,
  minutesOf,
  hhmm,
}
