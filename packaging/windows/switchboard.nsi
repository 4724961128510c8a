; Switchboard's Windows installer, compiled on Linux by Debian's makensis
; (scripts/windows-installer). Per user, no administrator rights: the app goes to
; %LOCALAPPDATA%\Programs\Switchboard, with a Start-menu shortcut that carries
; the app's AppUserModelID (the `identifier` in tauri.conf.json), which Windows
; needs to show the app's toasts and to group its taskbar button.
;
; The Tauri bundler's own NSIS route downloads nsis_tauri_utils.dll from GitHub,
; which no registry reachable here carries; this script does the same job with
; NSIS's bundled System plugin (the shortcut's AppUserModelID set the way Tauri's
; MIT-licensed utils.nsh does).
;
; makensis -DVERSION=0.1.0 -DSOURCE_DIR=<dir with the .exe files> -DOUT_FILE=<setup.exe> [-DCOMPRESSOR=zlib]

Unicode true
Target amd64-unicode
; LZMA for releases; the test run passes -DCOMPRESSOR=zlib (its debug build is large).
!ifndef COMPRESSOR
  !define COMPRESSOR "/SOLID lzma"
!endif
SetCompressor ${COMPRESSOR}
RequestExecutionLevel user

!define PRODUCT "Switchboard"
!define IDENTIFIER "com.switchboard.desktop"
!define PUBLISHER "Switchboard"
!define UNINSTKEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${IDENTIFIER}"
!define WEBVIEW2_CLIENT "{F3017226-FE2A-4295-8BDF-00C3A9A7E4C5}"
!ifndef VERSION
  !error "VERSION is required"
!endif
!ifndef SOURCE_DIR
  !error "SOURCE_DIR is required"
!endif
!ifndef OUT_FILE
  !error "OUT_FILE is required"
!endif

!include "MUI2.nsh"
!include "LogicLib.nsh"
!include "Win\COM.nsh"
!include "Win\Propkey.nsh"

Name "${PRODUCT}"
OutFile "${OUT_FILE}"
InstallDir "$LOCALAPPDATA\Programs\${PRODUCT}"
InstallDirRegKey HKCU "${UNINSTKEY}" "InstallLocation"
VIProductVersion "${VERSION}.0"
VIAddVersionKey "ProductName" "${PRODUCT}"
VIAddVersionKey "FileDescription" "${PRODUCT} installer"
VIAddVersionKey "FileVersion" "${VERSION}"
VIAddVersionKey "ProductVersion" "${VERSION}"
VIAddVersionKey "CompanyName" "${PUBLISHER}"
VIAddVersionKey "LegalCopyright" "MIT licence"

!define MUI_ICON "${SOURCE_DIR}\icon.ico"
!define MUI_UNICON "${SOURCE_DIR}\icon.ico"
!define MUI_FINISHPAGE_RUN "$INSTDIR\switchboard.exe"
!define MUI_FINISHPAGE_RUN_TEXT "Start ${PRODUCT}"
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "English"

; Stamps the app's AppUserModelID on a shortcut (IPropertyStore of the shell link).
!macro SetLnkAppUserModelId shortcut
  !insertmacro ComHlpr_CreateInProcInstance ${CLSID_ShellLink} ${IID_IShellLink} r0 ""
  ${If} $0 P<> 0
    ${IUnknown::QueryInterface} $0 '("${IID_IPersistFile}",.r1)'
    ${If} $1 P<> 0
      ${IPersistFile::Load} $1 '("${shortcut}", ${STGM_READWRITE})'
      ${IUnknown::QueryInterface} $0 '("${IID_IPropertyStore}",.r2)'
      ${If} $2 P<> 0
        System::Call 'Oleaut32::SysAllocString(w "${IDENTIFIER}") p.r3'
        System::Call '*${SYSSTRUCT_PROPERTYKEY}(${PKEY_AppUserModel_ID})p.r4'
        System::Call '*${SYSSTRUCT_PROPVARIANT}(${VT_BSTR},,p r3)p.r5'
        ${IPropertyStore::SetValue} $2 '($4,$5).r6'
        DetailPrint "AppUserModelID on the shortcut: $6"
        System::Call 'Oleaut32::SysFreeString(p r3)'
        System::Free $4
        System::Free $5
        ${IPropertyStore::Commit} $2 ""
        ${IUnknown::Release} $2 ""
        ${IPersistFile::Save} $1 '("${shortcut}",1)'
      ${EndIf}
      ${IUnknown::Release} $1 ""
    ${EndIf}
    ${IUnknown::Release} $0 ""
  ${EndIf}
!macroend

Section "Switchboard"
  ; A running copy would keep its files locked.
  nsExec::Exec 'taskkill /IM switchboard.exe /F'
  Pop $0
  SetOutPath "$INSTDIR"
  File "${SOURCE_DIR}\switchboard.exe"
  File "${SOURCE_DIR}\switchboard-sync.exe"
  File "${SOURCE_DIR}\WebView2Loader.dll"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  CreateShortcut "$SMPROGRAMS\${PRODUCT}.lnk" "$INSTDIR\switchboard.exe"
  !insertmacro SetLnkAppUserModelId "$SMPROGRAMS\${PRODUCT}.lnk"

  WriteRegStr HKCU "${UNINSTKEY}" "DisplayName" "${PRODUCT}"
  WriteRegStr HKCU "${UNINSTKEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTKEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKCU "${UNINSTKEY}" "DisplayIcon" "$\"$INSTDIR\switchboard.exe$\""
  WriteRegStr HKCU "${UNINSTKEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTKEY}" "UninstallString" "$\"$INSTDIR\uninstall.exe$\""
  WriteRegStr HKCU "${UNINSTKEY}" "QuietUninstallString" "$\"$INSTDIR\uninstall.exe$\" /S"
  WriteRegDWORD HKCU "${UNINSTKEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTKEY}" "NoRepair" 1

  ; Windows 10 and 11 ship the WebView2 runtime; older systems need it first.
  ReadRegStr $0 HKLM "SOFTWARE\WOW6432Node\Microsoft\EdgeUpdate\Clients\${WEBVIEW2_CLIENT}" "pv"
  ${If} $0 == ""
    ReadRegStr $0 HKCU "Software\Microsoft\EdgeUpdate\Clients\${WEBVIEW2_CLIENT}" "pv"
  ${EndIf}
  ${If} $0 == ""
    DetailPrint "The Microsoft Edge WebView2 runtime was not found."
    MessageBox MB_OK|MB_ICONINFORMATION "${PRODUCT} needs the Microsoft Edge WebView2 runtime, which this computer does not have yet. Install it from https://developer.microsoft.com/microsoft-edge/webview2/ before starting ${PRODUCT}." /SD IDOK
  ${EndIf}
SectionEnd

Section "Uninstall"
  nsExec::Exec 'taskkill /IM switchboard.exe /F'
  Pop $0
  Delete "$SMPROGRAMS\${PRODUCT}.lnk"
  ; Started at login (tauri-plugin-autostart's Run entry): no longer.
  DeleteRegValue HKCU "Software\Microsoft\Windows\CurrentVersion\Run" "${PRODUCT}"
  Delete "$INSTDIR\switchboard.exe"
  Delete "$INSTDIR\switchboard-sync.exe"
  Delete "$INSTDIR\WebView2Loader.dll"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  DeleteRegKey HKCU "${UNINSTKEY}"
  ; The agent's data (offline cache, settings) stays, as on the other systems.
SectionEnd
