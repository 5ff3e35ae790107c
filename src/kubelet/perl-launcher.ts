/**
 * The keeper launcher in perl (perl-base is part of every Debian system): the same
 * requests and answers as the bash launcher (keeper-launcher.ts), and two steps fewer per
 * container. A keeper that starts under `unshare --mount --propagation private --` gets its
 * mount namespace from the launcher's forked child (unshare(2) and mount(2) through perl's
 * syscall()), not from an exec of util-linux unshare; and the binds of an in-place view are
 * made there too, not by an exec of util-linux mount from the setup script — which skips
 * them when SKIFF_BOUND=1 says they are made. An exec of a dynamically linked tool costs
 * ~1–2 ms of CPU; a burst of 100 pod starts made 200 of them. If a system call fails, the
 * child execs the request as given, and the tools do the work as before.
 *
 * A request body is NUL-separated: the number of leading argv words the launcher may do
 * itself (0, or 5 for the unshare prefix), the bind count and (host, at, readOnly) per
 * bind, the working directory ('' for none), the environment count and KEY=value entries,
 * then the argv. The launcher answers `started <id> <pid>` and, once reaped, `exit <pid>
 * <status>` (128 + n for a death by signal n).
 */
import { existsSync } from 'node:fs';
import { KeeperLauncher } from './keeper-launcher.js';
import type { KeeperBind } from './keeper-spawner.js';

export const PERL = '/usr/bin/perl';

/** unshare(2), mount(2) and the flags used, by Node's architecture name; other architectures get no fast path. */
const SYSCALLS: Record<string, { unshare: number; mount: number }> = {
  x64: { unshare: 272, mount: 165 },
  arm64: { unshare: 97, mount: 40 },
};
const CLONE_NEWNS = 0x20000;
const MS = { RDONLY: 0x1, REMOUNT: 0x20, BIND: 0x1000, REC: 0x4000, PRIVATE: 0x40000 };

const LAUNCHER = `
use strict;
use POSIX ();
my ($SYS_UNSHARE, $SYS_MOUNT) = @ARGV;
my %running;
sub say_ { my $l = shift; syswrite(STDOUT, $l) }
$SIG{CHLD} = sub {
  while ((my $p = waitpid(-1, POSIX::WNOHANG())) > 0) {
    my $st = $?;
    my $code = ($st & 127) ? 128 + ($st & 127) : $st >> 8;
    say_("exit $p $code\\n") if delete $running{$p};
  }
};
# SIGCHLD is blocked from each fork until the keeper is registered: one that ends at once is still reported.
my $chld = POSIX::SigSet->new(POSIX::SIGCHLD());
sub rd {
  my ($n) = @_;
  my $buf = '';
  while (length($buf) < $n) {
    my $r = sysread(STDIN, $buf, $n - length($buf), length($buf));
    if (!defined $r) { next if $!{EINTR}; return undef }
    return undef if $r == 0;
  }
  return $buf;
}
sub mnt { my ($src, $dst, $flags) = @_; my $z = 0; return syscall($SYS_MOUNT, $src, $dst, $z, $flags, $z) == 0 }
while (1) {
  my $head = '';
  while (1) { my $c = rd(1); exit 0 unless defined $c; last if $c eq "\\n"; $head .= $c }
  my ($id, $len) = split / /, $head;
  my $body = rd($len);
  exit 0 unless defined $body;
  my @f = split /\\0/, $body, -1;
  my $skip = shift @f;
  my @binds = map { [shift @f, shift @f, shift @f] } 1 .. shift @f;
  my $cwd = shift @f;
  my %env = map { split /=/, $_, 2 } splice @f, 0, shift @f;
  my @argv = @f;
  POSIX::sigprocmask(POSIX::SIG_BLOCK(), $chld);
  my $pid = fork();
  if (!defined $pid) { POSIX::sigprocmask(POSIX::SIG_UNBLOCK(), $chld); say_("failed $id\\n"); next }
  if ($pid == 0) {
    $SIG{CHLD} = 'DEFAULT';
    POSIX::sigprocmask(POSIX::SIG_UNBLOCK(), $chld);
    POSIX::setpgid(0, 0);
    open(STDIN, '<', '/dev/null'); open(STDOUT, '>', '/dev/null'); open(STDERR, '>', '/dev/null');
    if ($skip && $SYS_UNSHARE && syscall($SYS_UNSHARE, ${CLONE_NEWNS}) == 0 && mnt('none', '/', ${MS.REC | MS.PRIVATE})) {
      splice @argv, 0, $skip;
      my $bound = 1;
      for my $b (@binds) {
        $bound &&= mnt($b->[0], $b->[1], ${MS.BIND | MS.REC});
        $bound &&= mnt('none', $b->[1], ${MS.REMOUNT | MS.BIND | MS.RDONLY}) if $b->[2];
      }
      $env{SKIFF_BOUND} = '1' if $bound && @binds;
    }
    if ($cwd ne '') { chdir($cwd) or POSIX::_exit(127) }
    %ENV = %env;
    exec { $argv[0] } @argv;
    POSIX::_exit(127);
  }
  # The child makes its own group too; doing it here as well (as a job-control shell
  # does) means the group exists before "started" is said, whoever runs first.
  POSIX::setpgid($pid, $pid);
  $running{$pid} = 1;
  say_("started $id $pid\\n");
  POSIX::sigprocmask(POSIX::SIG_UNBLOCK(), $chld);
}
`;

/** The argv words that start a keeper in a new private mount namespace (mount-namespace.ts's keeperPrefix). */
const UNSHARE_PREFIX = ['--mount', '--propagation', 'private', '--'];

export class PerlKeeperLauncher extends KeeperLauncher {
  /** Whether this machine has perl and its architecture's system call numbers are known. */
  static available(): boolean {
    return existsSync(PERL) && SYSCALLS[process.arch] !== undefined;
  }

  protected override launcher(): [string, string[]] {
    const sys = SYSCALLS[process.arch];
    return [PERL, ['-e', LAUNCHER, String(sys?.unshare ?? 0), String(sys?.mount ?? 0)]];
  }

  protected override request(file: string, args: string[], env: Record<string, string>, cwd: string | undefined, binds: readonly KeeperBind[] | undefined): string {
    const unshares = file.endsWith('/unshare') && UNSHARE_PREFIX.every((w, i) => args[i] === w);
    const entries = Object.entries(env).map(([k, v]) => `${k}=${v}`);
    const b = unshares ? (binds ?? []) : [];
    const fields = [unshares ? '5' : '0', String(b.length), ...b.flatMap((x) => [x.host, x.at, x.readOnly ? '1' : '']), cwd ?? '', String(entries.length), ...entries, file, ...args];
    return fields.join('\0');
  }
}
