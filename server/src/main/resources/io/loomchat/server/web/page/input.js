// What a person types, turned into a protocol request: the terminal client's parser (the protocol module's
// Input class), rule for rule, so that every front end reads a line the same way. A test holds the two to
// the same answers. Pure: no page, no socket.
'use strict';

const LoomInput = (() => {
  // Java's String.strip()/isBlank() whitespace (Character.isWhitespace), and its regex \s (ASCII only).
  const JAVA_SPACE = '\\t\\n\\u000B\\f\\r\\u001C-\\u001F \\u1680\\u2000-\\u2006\\u2008-\\u200A\\u2028\\u2029\\u205F\\u3000';
  const STRIP = new RegExp('^[' + JAVA_SPACE + ']+|[' + JAVA_SPACE + ']+$', 'g');
  const BLANK = new RegExp('^[' + JAVA_SPACE + ']*$');
  const SPACES = /[ \t\n\u000B\f\r]+/;

  const COMMANDS = [
    ['/join ROOM', 'join a room (creating it) and make it the current room'],
    ['/leave [ROOM [REASON]]', 'leave a room (default: the current one); also /part'],
    ['/msg NICK TEXT', 'send a private message'],
    ['/me TEXT', 'say an action: * you TEXT'],
    ['/nick NAME', 'change your nick'],
    ['/who [ROOM [AFTER]]', 'list who is in a room (default: the current one); AFTER pages on'],
    ['/rooms [AFTER]', 'list the rooms, their members and topics (also /list); AFTER pages on'],
    ['/topic [TEXT]', "show the current room's topic, or set it to TEXT"],
    ['/away [REASON]', 'mark yourself away (shown in /who); /away alone or /back to return'],
    ['/history [N]', 'show 20 older messages of the current room; with N, its last N'],
    ['/ping', 'check that the server answers'],
    ['/register [PASSWORD]', 'make your nick an account (the terminal client asks for the password)'],
    ['/login ACCOUNT [PASSWORD]', 'log in to your account (the terminal client asks for the password)'],
    ['/password [OLD NEW]', "change your account's password (the terminal client asks)"],
    ['/oper NAME PASSWORD', 'log in as an operator'],
    ['/dropaccount ACCOUNT', 'operators: delete an account; its nick is free again'],
    ['/kick NICK [REASON]', 'operators: remove someone from the current room'],
    ['/ban WHO [+address] [TIME] [REASON]', 'operators: ban a nick (+address: and where it connects from), or an address (TIME: 30m, 2h, 1d; 0 until restart)'],
    ['/unban WHO', 'operators: lift a ban on a nick or an address'],
    ['/mute NICK [TIME]', 'operators: silence someone in the current room'],
    ['/unmute NICK', 'operators: let them speak again'],
    ['/quit [REASON]', 'leave the chat'],
    ['/help', 'this list'],
    ['//TEXT', "say TEXT starting with a '/'"],
  ];

  const strip = s => s.replace(STRIP, '');
  const isBlank = s => BLANK.test(s);

  // Java's s.split("\\s+", 2): a leading run of spaces gives an empty first part.
  function split2(s) {
    const m = SPACES.exec(s);
    return m ? [s.slice(0, m.index), s.slice(m.index + m[0].length)] : [s];
  }

  function firstWord(s) {
    const space = s.indexOf(' ');
    return space < 0 ? s : s.slice(0, space);
  }

  function secondWord(s) {
    const rest = strip(s.slice(firstWord(s).length));
    return rest === '' ? null : firstWord(rest);
  }

  function isAddress(word) {
    return word.includes('.') || word.includes(':');
  }

  function seconds(word) {
    const m = /^(\d{1,9})([smhd]?)$/.exec(word);
    if (!m) return null;
    const n = Number(m[1]);
    return { m: n * 60, h: n * 3600, d: n * 86400 }[m[2]] ?? n;
  }

  function count(word) {
    if (!/^[+-]?\d+$/.test(word)) return null;
    const n = Number(word);
    return n > 0 && n <= 2147483647 ? n : null;
  }

  // A request object without its empty fields, as the protocol's JSON.
  function request(type, fields, ref) {
    const r = { type };
    for (const [k, v] of Object.entries(fields)) {
      if (v !== null && v !== undefined && v !== false) r[k] = v;
    }
    if (ref != null) r.ref = ref;
    return { send: r };
  }

  const usage = u => ({ problem: 'usage: ' + u });

  function stripLineEnd(line) {
    let end = line.length;
    while (end > 0 && (line[end - 1] === '\n' || line[end - 1] === '\r')) end--;
    return line.slice(0, end);
  }

  /** One typed line: {send: request} | {help: true} | {problem: text} | {nothing: true}. */
  function parse(line, currentRoom, ref) {
    const text = stripLineEnd(line);
    if (isBlank(text)) return { nothing: true };
    if (!text.startsWith('/')) return request('say', { room: currentRoom, text }, ref);
    if (text.startsWith('//')) return request('say', { room: currentRoom, text: text.slice(1) }, ref);
    const words = split2(text.slice(1));
    const command = words[0].toLowerCase();
    const rest = words.length > 1 ? strip(words[1]) : '';
    switch (command) {
      case 'join': case 'j':
        return rest === '' ? usage('/join ROOM') : request('join', { room: firstWord(rest) }, ref);
      case 'leave': case 'part': {
        const reason = strip(rest.slice(firstWord(rest).length));
        return request('leave', { room: rest === '' ? currentRoom : firstWord(rest), reason: reason === '' ? null : reason }, ref);
      }
      case 'msg': case 'm': case 'query': {
        const parts = split2(rest);
        return parts.length < 2 || isBlank(parts[1]) ? usage('/msg NICK TEXT')
          : request('msg', { to: parts[0], text: parts[1] }, ref);
      }
      case 'me':
        return rest === '' ? usage('/me TEXT') : request('say', { room: currentRoom, text: rest, action: true }, ref);
      case 'nick':
        return rest === '' ? usage('/nick NAME')
          : firstWord(rest) !== rest ? { problem: 'a nick is one word: letters, digits, _ and -' }
          : request('nick', { nick: rest }, ref);
      case 'who': case 'names':
        return request('who', { room: rest === '' ? currentRoom : firstWord(rest), after: secondWord(rest) }, ref);
      case 'rooms': case 'list':
        return request('rooms', { after: rest === '' ? null : firstWord(rest) }, ref);
      case 'topic':
        return request('topic', { room: currentRoom, text: rest === '' ? null : rest }, ref);
      case 'away':
        return request('away', { reason: rest === '' ? null : rest }, ref);
      case 'back':
        return request('away', {}, ref);
      case 'history': {
        const limit = rest === '' ? null : count(firstWord(rest));
        return rest !== '' && limit === null ? usage('/history [N]')
          : request('history', { room: currentRoom, limit }, ref);
      }
      case 'ping':
        return request('ping', {}, ref);
      case 'register':
        return rest === '' ? usage('/register PASSWORD') : request('register', { password: rest }, ref);
      case 'login': case 'identify': {
        const parts = rest.split(/\s+/);
        return parts.length < 2 ? usage('/login ACCOUNT PASSWORD')
          : request('login', { account: parts[0], password: rest.slice(parts[0].length).trim() }, ref);
      }
      case 'password': {
        // A tab, when there is one, parts the two (as the terminal client sends passwords with spaces).
        const tab = rest.indexOf('\t');
        const parts = tab > 0 ? [rest.slice(0, tab), rest.slice(tab + 1)] : rest.split(/\s+/);
        const fresh = tab > 0 ? parts[1] : rest.slice(parts[0].length).trim();
        return parts.length < 2 ? usage('/password OLD NEW') : request('password', { password: parts[0], new_password: fresh }, ref);
      }
      case 'dropaccount':
        return rest === '' ? usage('/dropaccount ACCOUNT') : request('drop_account', { account: firstWord(rest) }, ref);
      case 'oper': {
        const parts = split2(rest);
        return parts.length < 2 ? usage('/oper NAME PASSWORD') : request('oper', { name: parts[0], password: parts[1] }, ref);
      }
      case 'kick': {
        const parts = split2(rest);
        return rest === '' ? usage('/kick NICK [REASON]')
          : request('kick', { room: currentRoom, nick: parts[0], reason: parts.length > 1 ? parts[1] : null }, ref);
      }
      case 'ban': {
        if (rest === '') return usage('/ban NICK [+address]|ADDRESS [TIME] [REASON]');
        const parts = split2(rest);
        let after = parts.length > 1 ? parts[1] : '';
        const withAddress = !isAddress(parts[0]) && firstWord(after) === '+address';
        after = withAddress ? strip(after.slice('+address'.length)) : after;
        const secs = after === '' ? null : seconds(firstWord(after));
        let reason = secs === null ? after : strip(after.slice(firstWord(after).length));
        reason = reason === '' ? null : reason;
        return isAddress(parts[0])
          ? request('ban', { address: parts[0], seconds: secs, reason }, ref)
          : request('ban', { nick: parts[0], seconds: secs, reason, with_address: withAddress }, ref);
      }
      case 'unban':
        return rest === '' ? usage('/unban NICK|ADDRESS')
          : isAddress(firstWord(rest)) ? request('unban', { address: firstWord(rest) }, ref)
          : request('unban', { nick: firstWord(rest) }, ref);
      case 'mute': {
        const parts = split2(rest);
        const secs = parts.length > 1 ? seconds(strip(parts[1])) : null;
        return rest === '' || (parts.length > 1 && secs === null) ? usage('/mute NICK [TIME]')
          : request('mute', { room: currentRoom, nick: parts[0], seconds: secs }, ref);
      }
      case 'unmute':
        return rest === '' ? usage('/unmute NICK') : request('unmute', { room: currentRoom, nick: firstWord(rest) }, ref);
      case 'quit': case 'exit': case 'bye':
        return request('quit', { reason: rest === '' ? null : rest }, ref);
      case 'help': case '?':
        return { help: true };
      default:
        return { problem: 'unknown command /' + command + '; /help lists the commands' };
    }
  }

  return { parse, COMMANDS };
})();
