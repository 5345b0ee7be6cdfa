// Working-directory commands (RFC 959 CWD, CDUP, PWD and their RFC 775 X-variants).
// The directory is checked through storage, so a path outside the user's root never becomes the cwd.
import { FerryError } from '../errors/ferry-error.js';
import { Reply } from '../protocol/reply-codes.js';
import { quotePath } from '../protocol/reply-format.js';
import { parentOf } from '../storage/virtual-path.js';
import { defineCommands, type LoggedInContext } from './command-spec.js';

async function changeDirectory(ctx: LoggedInContext, target: typeof ctx.path): Promise<void> {
  const stat = await ctx.storage.stat(target);
  if (stat.type !== 'dir') throw new FerryError('NOT_A_DIRECTORY', 'cwd to a file', { publicMessage: `Not a directory: ${target}` });
  ctx.session.cwd = target;
  ctx.reply(Reply.FILE_ACTION_OK, `Directory changed to ${quotePath(target)}`);
}

export const navigationCommands = defineCommands(
  {
    verb: 'CWD',
    aliases: ['XCWD'],
    arg: 'required',
    path: 'required',
    help: 'CWD <dir>: change the working directory',
    handler: (ctx) => changeDirectory(ctx, ctx.path),
  },
  {
    verb: 'CDUP',
    aliases: ['XCUP'],
    arg: 'none',
    help: 'CDUP: go to the parent directory',
    handler: (ctx) => changeDirectory(ctx, parentOf(ctx.session.cwd)),
  },
  {
    verb: 'PWD',
    aliases: ['XPWD'],
    arg: 'none',
    help: 'PWD: print the working directory',
    handler({ session, reply }) {
      reply(Reply.PATH_CREATED, `${quotePath(session.cwd)} is the current directory`);
    },
  },
);
