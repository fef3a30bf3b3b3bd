package main

import "syscall"

// A process group of its own, and SIGKILL if the bridge itself dies: no
// orphaned servers when the container's main process is gone.
func childProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
